package org.latentbridge.testing;

import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.linalg.Vectors;
import org.latentbridge.core.metrics.RetrievalMetrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * Cross-model retrieval on the manual-page corpus, the measurement behind the quality tests and BENCHMARKS.md.
 *
 * <p>The pages are shuffled with a seed and split into anchor pages and evaluation pages, disjoint. Anchors are the
 * anchor pages' descriptions embedded by both models. The index holds the evaluation pages' descriptions embedded by
 * the target model (documents); each evaluation page's one-line summary is its query, and the page itself is the one
 * relevant answer. A query embedded by the source model is mapped (translated, or not) and searched by cosine, exactly
 * as an exact kNN over the target field would; the native baseline embeds the same summaries with the target model.
 */
public final class RetrievalExperiment {
    private final ManPageCorpus corpus;
    /** Positions in the corpus: embeddings are cached for the whole corpus and sliced, so every split reuses them. */
    private final int[] anchorRows;
    private final int[] evalRows;
    private final Encoder source, target;
    private final float[] index;
    private final float[][] sourceQueries;
    private final float[][] nativeQueries;
    private final int[][] nativeTop10;

    /** Cosine-scored retrieval of each query's own page, and agreement of its top 10 with the native query's. */
    public record Scores(double hitAt1, double hitAt10, double mrr, double overlapAt10WithNative) {}

    public RetrievalExperiment(ManPageCorpus corpus, Encoder source, Encoder target, int anchorCount, int evalCount, long seed) {
        int size = corpus.size();
        if (anchorCount + evalCount > size) {
            throw new IllegalArgumentException("the corpus has " + size + " pages, fewer than " + (anchorCount + evalCount));
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        this.corpus = corpus;
        this.anchorRows = order.subList(0, anchorCount).stream().mapToInt(Integer::intValue).toArray();
        this.evalRows = order.subList(anchorCount, anchorCount + evalCount).stream().mapToInt(Integer::intValue).toArray();
        this.source = source;
        this.target = target;
        EmbeddingCache cache = EmbeddingCache.shared();
        this.index = unitRows(slice(cache.embed(target, Role.DOCUMENT, corpus.descriptions()), evalRows));
        this.sourceQueries = slice(cache.embed(source, Role.QUERY, corpus.summaries()), evalRows);
        this.nativeQueries = slice(cache.embed(target, Role.QUERY, corpus.summaries()), evalRows);
        this.nativeTop10 = new int[evalCount][];
        for (int i = 0; i < evalCount; i++) {
            nativeTop10[i] = RetrievalMetrics.topIndices(scores(nativeQueries[i]), 10);
        }
    }

    /** The anchor pages' descriptions embedded by {@code encoder} in {@code role}, ids = page ids. */
    public AnchorSet anchors(Encoder encoder, Role role) {
        return anchors(encoder, role, anchorRows.length);
    }

    /** The first {@code count} anchor pages only: for measuring what the anchor count buys. */
    public AnchorSet anchors(Encoder encoder, Role role, int count) {
        int[] rows = Arrays.copyOf(anchorRows, count);
        float[][] v = slice(EmbeddingCache.shared().embed(encoder, role, corpus.descriptions()), rows);
        List<String> ids = Arrays.stream(rows).mapToObj(r -> corpus.pages().get(r).id()).toList();
        return AnchorSet.of(encoder.dims(), ids, List.of(v));
    }

    /** The evaluation pages' descriptions embedded by the target model, as indexed (not normalised); ids = page ids. */
    public AnchorSet indexDocuments() {
        float[][] v = slice(EmbeddingCache.shared().embed(target, Role.DOCUMENT, corpus.descriptions()), evalRows);
        List<String> ids = Arrays.stream(evalRows).mapToObj(r -> corpus.pages().get(r).id()).toList();
        return AnchorSet.of(target.dims(), ids, List.of(v));
    }

    public Encoder source() {
        return source;
    }

    public Encoder target() {
        return target;
    }

    public int evalCount() {
        return evalRows.length;
    }

    private static float[][] slice(float[][] all, int[] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = all[rows[i]];
        }
        return out;
    }

    /** The native baseline: target-model queries against the target-model index. */
    public Scores nativeScores() {
        return score(nativeQueries, UnaryOperator.identity());
    }

    /** Source-model queries mapped by {@code toTargetSpace}; {@code identity()} is the untranslated baseline. */
    public Scores score(UnaryOperator<float[]> toTargetSpace) {
        return score(sourceQueries, toTargetSpace);
    }

    /**
     * The index re-embedded into a relative space ({@code documents} maps each target-model document) and the source
     * model's queries mapped by {@code queries}: retrieval through relative fields. Scored with the dense kernels.
     */
    public Scores scoreRelative(UnaryOperator<float[]> documents, UnaryOperator<float[]> queries) {
        int d = target.dims(), n = index.length / d;
        float[] first = documents.apply(Arrays.copyOfRange(index, 0, d));
        int r = first.length;
        float[] docs = new float[n * r];
        System.arraycopy(first, 0, docs, 0, r);
        for (int j = 1; j < n; j++) {
            System.arraycopy(documents.apply(Arrays.copyOfRange(index, j * d, (j + 1) * d)), 0, docs, j * r, r);
        }
        float[] q = new float[sourceQueries.length * r];
        for (int i = 0; i < sourceQueries.length; i++) {
            System.arraycopy(queries.apply(sourceQueries[i]), 0, q, i * r, r);
        }
        double[] sim = RetrievalMetrics.cosineMatrix(q, docs, r, Runtime.getRuntime().availableProcessors());
        return rankAll(sourceQueries.length, i -> Arrays.copyOfRange(sim, i * n, (i + 1) * n));
    }

    /** Query {@code i}'s relevant document is document {@code i}; {@code scoresOf} gives its similarity to every document. */
    private Scores rankAll(int queries, IntFunction<double[]> scoresOf) {
        int[] ranks = new int[queries];
        double overlap = 0;
        for (int i = 0; i < queries; i++) {
            double[] s = scoresOf.apply(i);
            int rank = 1;
            for (int j = 0; j < s.length; j++) {
                if (j != i && s[j] >= s[i]) {
                    rank++;
                }
            }
            ranks[i] = rank;
            overlap += RetrievalMetrics.recallAtK(RetrievalMetrics.topIndices(s, 10), nativeTop10[i], 10);
        }
        return new Scores(RetrievalMetrics.topK(ranks, 1), RetrievalMetrics.topK(ranks, 10), RetrievalMetrics.mrr(ranks),
            overlap / queries);
    }

    private Scores score(float[][] queries, UnaryOperator<float[]> map) {
        return rankAll(queries.length, i -> scores(map.apply(queries[i])));
    }

    private double[] scores(float[] query) {
        int d = target.dims(), n = index.length / d;
        float[] q = query.clone();
        Vectors.normalizeInPlace(q);
        double[] s = new double[n];
        for (int j = 0; j < n; j++) {
            double dot = 0;
            for (int k = 0; k < d; k++) {
                dot += q[k] * index[j * d + k];
            }
            s[j] = dot;
        }
        return s;
    }

    private static float[] unitRows(float[][] rows) {
        int d = rows[0].length;
        float[] m = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            float[] r = rows[i].clone();
            Vectors.normalizeInPlace(r);
            System.arraycopy(r, 0, m, i * d, d);
        }
        return m;
    }
}
