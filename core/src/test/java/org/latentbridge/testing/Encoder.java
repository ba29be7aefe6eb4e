package org.latentbridge.testing;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2.E5SmallV2EmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Three real, independently trained sentence encoders that run in-process (ONNX weights inside the
 * LangChain4j jars, no network at run time). Cross-model search needs genuinely different embedding spaces of
 * the same texts; these three share a dimension (384) but not a space, which is exactly the situation the
 * translators must bridge.
 *
 * <p>Each encoder formats text by {@link Role} the way its authors recommend: e5 prefixes "query: " and
 * "passage: ", bge-small-en-v1.5 prefixes an instruction to queries only, MiniLM uses text as is. Results are
 * L2-normalised float vectors in input order. Use {@link EmbeddingCache} for anything repeated: embedding a few
 * thousand texts takes minutes.
 *
 * <p>Texts are embedded concurrently on {@code latent.encoder.threads} threads (default: all processors).
 */
public enum Encoder {

    /** sentence-transformers all-MiniLM-L6-v2: symmetric, mean pooling, no prefixes. */
    MINILM("minilm", "all-MiniLM-L6-v2", 384, "", ""),
    /** BAAI bge-small-en-v1.5: CLS pooling, an instruction prefix on queries only. */
    BGE_SMALL("bge-small", "bge-small-en-v1.5", 384, "Represent this sentence for searching relevant passages: ", ""),
    /** intfloat e5-small-v2: mean pooling, "query: " / "passage: " prefixes on every text. */
    E5_SMALL("e5-small", "e5-small-v2", 384, "query: ", "passage: ");

    /** System property: threads used to embed concurrently. */
    public static final String THREADS_PROPERTY = "latent.encoder.threads";

    private static final int CHUNK = 64;
    private static final int PROGRESS_EVERY = 500;

    private final String id;
    private final String modelName;
    private final int dims;
    private final String queryPrefix;
    private final String documentPrefix;
    private volatile EmbeddingModel model;

    Encoder(String id, String modelName, int dims, String queryPrefix, String documentPrefix) {
        this.id = id;
        this.modelName = modelName;
        this.dims = dims;
        this.queryPrefix = queryPrefix;
        this.documentPrefix = documentPrefix;
    }

    /** Short stable id used in cache keys, file names and reports: "minilm", "bge-small", "e5-small". */
    public String id() {
        return id;
    }

    /** The upstream model name, e.g. "all-MiniLM-L6-v2". */
    public String modelName() {
        return modelName;
    }

    /** Output dimension. */
    public int dims() {
        return dims;
    }

    /** The exact text fed to the model for {@code text} in {@code role} (prefix included). */
    public String format(String text, Role role) {
        return (role == Role.QUERY ? queryPrefix : documentPrefix) + text;
    }

    /** The encoder with this {@link #id()}. */
    public static Encoder byId(String id) {
        for (Encoder e : values()) {
            if (e.id.equals(id)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown encoder id '" + id + "'");
    }

    /** Told how far an embedding run has come: after each chunk, with the texts done, the total and the elapsed nanos. */
    @FunctionalInterface
    public interface Progress {
        void update(int done, int total, long elapsedNanos);
    }

    /**
     * Embeds texts (formatted for {@code role}) and returns one unit-length vector per text, in input order.
     * Prints progress to stderr every {@value #PROGRESS_EVERY} texts when there are more than that.
     *
     * @throws IllegalArgumentException if a text is null or blank
     */
    public float[][] embed(List<String> texts, Role role) {
        int[] nextReport = {PROGRESS_EVERY};
        return embed(texts, role, (done, total, nanos) -> {
            if (total > PROGRESS_EVERY && (done >= nextReport[0] || done == total)) {
                System.err.printf(Locale.ROOT, "[latent-bridge] %s %s: %d/%d texts, %.1f texts/s%n",
                        id, role.name().toLowerCase(Locale.ROOT), done, total, done / (nanos / 1e9));
                while (nextReport[0] <= done) {
                    nextReport[0] += PROGRESS_EVERY;
                }
            }
        });
    }

    /** As {@link #embed(List, Role)}, telling {@code progress} after every chunk instead of printing. */
    public float[][] embed(List<String> texts, Role role, Progress progress) {
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            if (t == null || t.isBlank()) {
                throw new IllegalArgumentException("text " + i + " is " + (t == null ? "null" : "blank"));
            }
            segments.add(TextSegment.from(format(t, role)));
        }
        EmbeddingModel m = model();
        float[][] out = new float[texts.size()][];
        long start = System.nanoTime();
        for (int from = 0; from < segments.size(); from += CHUNK) {
            int to = Math.min(segments.size(), from + CHUNK);
            List<Embedding> embeddings = m.embedAll(segments.subList(from, to)).content();
            if (embeddings.size() != to - from) {
                throw new IllegalStateException(id + " returned " + embeddings.size() + " embeddings for " + (to - from) + " texts");
            }
            for (int i = from; i < to; i++) {
                out[i] = unit(embeddings.get(i - from).vector());
            }
            progress.update(to, segments.size(), System.nanoTime() - start);
        }
        return out;
    }

    private float[] unit(float[] v) {
        if (v.length != dims) {
            throw new IllegalStateException(id + " returned " + v.length + " dimensions, expected " + dims);
        }
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        float[] out = new float[v.length];
        if (sum == 0) {
            return out;
        }
        double inv = 1 / Math.sqrt(sum);
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] * inv);
        }
        return out;
    }

    /** The loaded model; loading reads the ONNX weights from the jar (a second or two, ~100 MB of heap). */
    private EmbeddingModel model() {
        EmbeddingModel m = model;
        if (m == null) {
            synchronized (this) {
                m = model;
                if (m == null) {
                    Executor executor = Pool.EXECUTOR;
                    m = switch (this) {
                        case MINILM -> new AllMiniLmL6V2EmbeddingModel(executor);
                        case BGE_SMALL -> new BgeSmallEnV15EmbeddingModel(executor);
                        case E5_SMALL -> new E5SmallV2EmbeddingModel(executor);
                    };
                    model = m;
                }
            }
        }
        return m;
    }

    /** One daemon pool shared by all encoders, so tests and benchmarks exit without shutting it down. */
    private static final class Pool {
        static final Executor EXECUTOR = create();

        private static Executor create() {
            int threads = Integer.getInteger(THREADS_PROPERTY, Runtime.getRuntime().availableProcessors());
            if (threads <= 1) {
                return Runnable::run;
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "latent-bridge-encoder");
                t.setDaemon(true);
                return t;
            });
            return pool;
        }
    }
}
