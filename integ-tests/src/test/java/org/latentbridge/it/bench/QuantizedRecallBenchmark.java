package org.latentbridge.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.latentbridge.it.ElasticsearchCluster;
import org.latentbridge.it.EsHttp;
import org.latentbridge.it.ItEnvironment;
import org.latentbridge.it.KnnEvaluation;
import org.latentbridge.it.KnnEvaluation.Ranking;
import org.latentbridge.testing.EmbeddingCache;
import org.latentbridge.testing.Encoder;
import org.latentbridge.testing.ManPage;
import org.latentbridge.testing.ManPageCorpus;
import org.latentbridge.testing.Role;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.latentbridge.it.bench.NodeBenchmarks.say;

/**
 * Recall@10 of {@code latent_knn} and of native {@code knn} per {@code index_options} type: {@link #TYPES} and the
 * version's default mapping of a 384-dimension float {@code dense_vector} (none given). The setup is that of
 * {@code CrossModelSearchIT}: the manual-page corpus and 3,000 FOLDOC terms embedded by all-MiniLM-L6-v2 in one index per
 * type, 1,000 queries (other documents' summaries or terms) embedded by bge-small-en-v1.5 and searched through
 * {@code latent_knn} (translator bge-small -> MiniLM fitted on 1,500 anchors), against the same queries embedded by
 * MiniLM in native {@code knn}; k = 10, num_candidates = 100. Each quantized type is measured with the mapping's own
 * rescoring and again with each {@code rescore_vector.oversample} of a list given in the query (0 turns rescoring off),
 * which {@code latent_knn} passes through.
 *
 * <p>{@code bin/mvn -B -ntp -q -Pdemo -Dlatent.main=org.latentbridge.it.bench.QuantizedRecallBenchmark -DskipTests -pl integ-tests -am
 * verify} (add {@code -Pes8} for 8.19).
 */
public final class QuantizedRecallBenchmark {
    private static final int ANCHORS = 1500, QUERIES = 1000, FOLDOC_TERMS = 3000, DIMS = 384, K = 10, NUM_CANDIDATES = 100;
    private static final List<String> TYPES = List.of("hnsw", "bbq_hnsw", "int8_hnsw", "int4_hnsw", "flat");
    private static final String DEFAULT = "default";
    private static final List<String> QUANTIZED = List.of("bbq_hnsw", "int8_hnsw", "int4_hnsw", DEFAULT);

    private record Row(String type, String options, Ranking nativeKnn, Ranking latentKnn) {}

    private final List<Row> rows = new ArrayList<>();
    private final float[] oversamples;
    private EsHttp es;
    private List<ManPage> pages;
    private List<Integer> queryRows;
    private float[][] docs, bgeAnchors, bgeQueries, minilmQueries;
    private List<Integer> anchorRows;

    private QuantizedRecallBenchmark(Map<String, String> options) {
        String[] values = options.getOrDefault("oversamples", "0,5").split(",");
        oversamples = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            oversamples[i] = Float.parseFloat(values[i]);
        }
    }

    /** Arguments ({@code -Dlatent.args="..."}): {@code oversamples=0,5}, the query-time oversamples measured per quantized type. */
    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        QuantizedRecallBenchmark bench = new QuantizedRecallBenchmark(NodeBenchmarks.options(args));
        bench.embed();
        try (ElasticsearchCluster cluster = ElasticsearchCluster.builder("quantized-recall").nodes(1).heap("2g").build()) {
            cluster.start();
            bench.es = cluster.http().withTimeout(Duration.ofMinutes(20));
            bench.run();
        }
        say("finished in %.0f s", (System.nanoTime() - start) / 1e9);
    }

    private void embed() {
        ManPageCorpus corpus = ManPageCorpus.load().withFoldoc(FOLDOC_TERMS);
        pages = corpus.pages();
        // CrossModelSearchIT's split, so that its embeddings are shared through the cache
        List<Integer> order = NodeBenchmarks.shuffledRows(pages.size(), 0);
        anchorRows = List.copyOf(order.subList(0, ANCHORS));
        queryRows = List.copyOf(order.subList(ANCHORS, ANCHORS + QUERIES));
        EmbeddingCache cache = EmbeddingCache.shared();
        docs = cache.embed(Encoder.MINILM, Role.DOCUMENT, corpus.descriptions());
        bgeAnchors = cache.embed(Encoder.BGE_SMALL, Role.QUERY, anchorRows.stream().map(r -> pages.get(r).description()).toList());
        List<String> queryTexts = queryRows.stream().map(r -> pages.get(r).summary()).toList();
        bgeQueries = cache.embed(Encoder.BGE_SMALL, Role.QUERY, queryTexts);
        minilmQueries = cache.embed(Encoder.MINILM, Role.QUERY, queryTexts);
    }

    private void run() throws Exception {
        say("Elasticsearch %s; %,d documents (MiniLM, cosine) per index, %,d bge-small queries, %,d anchors; k %d, num_candidates %d",
            ItEnvironment.esVersion(), pages.size(), QUERIES, ANCHORS, K, NUM_CANDIDATES);
        List<String> anchorIds = anchorRows.stream().map(r -> pages.get(r).id()).toList();
        es.put("_latent/model/minilm", Map.of("dims", DIMS)).ok();
        es.put("_latent/model/bge-small", Map.of("dims", DIMS, "roles", List.of("query", "document"))).ok();
        es.post("_latent/model/minilm/_anchors", Map.of("ids", anchorIds, "vectors", anchorRows.stream().map(r -> docs[r]).toList()))
            .ok();
        es.post("_latent/model/bge-small/_anchors", Map.of("role", "query", "ids", anchorIds, "vectors", List.of(bgeAnchors))).ok();
        JsonNode fit = es.put("_latent/translator/bge-small/minilm", Map.of()).ok();
        say("translator bge-small -> minilm: auto chose [%s]", fit.path("method").asText());

        List<String> types = new ArrayList<>(TYPES);
        types.add(DEFAULT);
        for (String type : types) {
            String index = "corpus-" + type.replace('_', '-');
            long t0 = System.nanoTime();
            createIndex(index, type);
            say("");
            say("== %s: index_options %s; indexed and force-merged in %.0f s", type, mapping(index), (System.nanoTime() - t0) / 1e9);
            measure(index, type, Map.of());
            if (QUANTIZED.contains(type)) {
                for (float oversample : oversamples) {
                    measure(index, type, Map.of("rescore_vector", Map.of("oversample", oversample)));
                }
            }
            es.delete(index).ok();
        }
        report();
    }

    private void createIndex(String index, String type) throws Exception {
        Map<String, Object> emb = new LinkedHashMap<>(Map.of("type", "dense_vector", "dims", DIMS, "similarity", "cosine", "meta",
            Map.of("latent_model", "minilm")));
        if (type.equals(DEFAULT) == false) {
            emb.put("index_options", Map.of("type", type));
        }
        es.put(index, Map.of("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0), "mappings", Map.of("properties",
            Map.of("emb", emb)))).ok();
        KnnEvaluation.bulkIndex(es, index, pages.size(), i -> pages.get(i).id(), i -> Map.of("emb", docs[i]), null, 1000, done -> {});
        // one segment, so that every type is searched over one graph (or one flat segment) of the same documents
        es.post(index + "/_forcemerge?max_num_segments=1", null).ok();
        es.post(index + "/_refresh", null).ok();
    }

    /** The index options as the mapping states them (with defaults), for the default mapping especially. */
    private String mapping(String index) {
        return es.get(index + "/_mapping/field/emb?include_defaults=true").ok().path(index).path("mappings").path("emb").path("mapping")
            .path("emb").path("index_options").toString();
    }

    private void measure(String index, String type, Map<String, Object> options) throws Exception {
        List<String> relevant = queryRows.stream().map(r -> pages.get(r).id()).toList();
        Ranking nativeKnn = KnnEvaluation.rank(es, index, relevant, i -> Map.of("query", Map.of("knn", with(options, Map.of("field", "emb",
            "query_vector", minilmQueries[i])))), done -> {});
        Ranking latent = KnnEvaluation.rank(es, index, relevant, i -> Map.of("query", Map.of("latent_knn", with(options, Map.of("field",
            "emb", "query_vector", bgeQueries[i], "model", "bge-small")))), done -> {});
        String label = options.isEmpty() ? "mapping's own" : "oversample " + ((Map<?, ?>) options.get("rescore_vector")).get("oversample");
        rows.add(new Row(type, label, nativeKnn, latent));
        say("  %-10s %-16s native recall@10 %.3f MRR %.3f | latent_knn recall@10 %.3f MRR %.3f | ratio %.3f", type, label,
            nativeKnn.recall(), nativeKnn.mrr(), latent.recall(), latent.mrr(), latent.recall() / nativeKnn.recall());
    }

    private static Map<String, Object> with(Map<String, Object> options, Map<String, Object> query) {
        Map<String, Object> out = new LinkedHashMap<>(query);
        out.put("k", K);
        out.put("num_candidates", NUM_CANDIDATES);
        out.putAll(options);
        return out;
    }

    private void report() {
        say("");
        say("Markdown (Elasticsearch %s):", ItEnvironment.esVersion());
        say("");
        say("| index_options | rescoring | native `knn` recall@10 | `latent_knn` recall@10 | ratio |");
        say("|---|---|---|---|---|");
        for (Row r : rows) {
            say("| %s | %s | %.3f | %.3f | %.3f |", r.type(), r.options(), r.nativeKnn().recall(), r.latentKnn().recall(),
                r.latentKnn().recall() / r.nativeKnn().recall());
        }
        say("");
        say("recall@10 as fractions of %d queries; ratios %s", QUERIES, Arrays.toString(rows.stream().mapToDouble(r ->
            Math.round(1000 * r.latentKnn().recall() / r.nativeKnn().recall()) / 1000.0).toArray()));
    }
}
