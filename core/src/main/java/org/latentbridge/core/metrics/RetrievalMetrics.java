package org.latentbridge.core.metrics;

import org.latentbridge.core.linalg.MatrixKernels;
import org.latentbridge.core.linalg.Vectors;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Retrieval metrics. Ranks are 1-based; a candidate that ties with the true item counts as ranked before it, so ties
 * never flatter a translator.
 */
public final class RetrievalMetrics {
    private RetrievalMetrics() {}

    /**
     * For each query row {@code i}, the rank of target row {@code i} among all target rows by cosine similarity.
     * Both matrices are row-major with {@code dims} columns and the same number of rows.
     */
    public static int[] sameItemRanks(float[] queries, float[] targets, int dims, int parallelism) {
        if (queries.length % dims != 0 || targets.length % dims != 0) {
            throw new IllegalArgumentException("queries and targets must hold whole rows of [" + dims + "] dimensions, got ["
                + queries.length + "] and [" + targets.length + "] values");
        }
        if (queries.length != targets.length) {
            throw new IllegalArgumentException("queries and targets must have as many rows, got rows: " + queries.length / dims + "!="
                + targets.length / dims);
        }
        int n = queries.length / dims;
        double[] sim = cosineMatrix(queries, targets, dims, parallelism);
        int[] ranks = new int[n];
        for (int i = 0; i < n; i++) {
            double own = sim[i * n + i];
            int rank = 1;
            for (int j = 0; j < n; j++) {
                if (j != i && sim[i * n + j] >= own) {
                    rank++;
                }
            }
            ranks[i] = rank;
        }
        return ranks;
    }

    /** {@code S[i][j] = cos(q_i, t_j)}, row-major {@code nq x nt}. */
    public static double[] cosineMatrix(float[] queries, float[] targets, int dims, int parallelism) {
        int nq = queries.length / dims, nt = targets.length / dims;
        float[] qt = unitRowsTransposed(queries, nq, dims);
        float[] tt = unitRowsTransposed(targets, nt, dims);
        double[] sim = new double[nq * nt];
        MatrixKernels.transposeProduct(qt, nq, tt, nt, 0, dims, sim, parallelism);
        return sim;
    }

    private static float[] unitRowsTransposed(float[] m, int rows, int dims) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            float[] row = Vectors.row(m, dims, r);
            Vectors.normalizeInPlace(row);
            for (int c = 0; c < dims; c++) {
                t[c * rows + r] = row[c];
            }
        }
        return t;
    }

    /** Fraction of ranks at most {@code k}. */
    public static double topK(int[] ranks, int k) {
        if (ranks.length == 0) {
            return 0;
        }
        return Arrays.stream(ranks).filter(r -> r <= k).count() / (double) ranks.length;
    }

    /** Mean reciprocal rank. */
    public static double mrr(int[] ranks) {
        if (ranks.length == 0) {
            return 0;
        }
        double s = 0;
        for (int r : ranks) {
            s += 1.0 / r;
        }
        return s / ranks.length;
    }

    /** Mean cosine between row {@code i} of {@code a} and row {@code i} of {@code b}. */
    public static double meanRowCosine(float[] a, float[] b, int dims) {
        int n = a.length / dims;
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Vectors.cosine(Vectors.row(a, dims, i), Vectors.row(b, dims, i));
        }
        return n == 0 ? 0 : s / n;
    }

    /** All the held-out metrics of translated rows against their true targets. */
    public static HeldOutMetrics heldOut(float[] translated, float[] targets, int dims, int parallelism) {
        int[] ranks = sameItemRanks(translated, targets, dims, parallelism);
        return new HeldOutMetrics(meanRowCosine(translated, targets, dims), topK(ranks, 1), topK(ranks, 10), mrr(ranks), ranks.length);
    }

    /**
     * Recall@k of a ranking against a reference ranking: the fraction of the reference's first {@code k} items that
     * appear among the ranking's first {@code k}. Used to compare a translated query's hits with the native query's.
     */
    public static double recallAtK(int[] ranking, int[] reference, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("[k] must be at least 1, got [" + k + "]");
        }
        int kr = Math.min(k, reference.length);
        if (kr == 0) {
            return 0;
        }
        Set<Integer> top = new HashSet<>();
        for (int i = 0; i < Math.min(k, ranking.length); i++) {
            top.add(ranking[i]);
        }
        int hits = 0;
        for (int i = 0; i < kr; i++) {
            if (top.contains(reference[i])) {
                hits++;
            }
        }
        return hits / (double) kr;
    }

    /** Indices of the {@code k} highest scores, best first; ties broken by the lower index. */
    public static int[] topIndices(double[] scores, int k) {
        Integer[] idx = new Integer[scores.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> {
            int c = Double.compare(scores[y], scores[x]);
            return c != 0 ? c : Integer.compare(x, y);
        });
        int m = Math.min(k, scores.length);
        int[] out = new int[m];
        for (int i = 0; i < m; i++) {
            out[i] = idx[i];
        }
        return out;
    }
}
