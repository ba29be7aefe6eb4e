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
    /** The neighbourhood size of {@link HeldOutMetrics#neighbourAgreement()}. */
    public static final int AGREEMENT_NEIGHBOURS = 10;
    /** Target rows per block of the target-target cosines that neighbour agreement computes. */
    private static final int BLOCK_ROWS = 256;

    private RetrievalMetrics() {}

    /**
     * For each query row {@code i}, the rank of target row {@code i} among all target rows by cosine similarity.
     * Both matrices are row-major with {@code dims} columns and the same number of rows.
     */
    public static int[] sameItemRanks(float[] queries, float[] targets, int dims, int parallelism) {
        int n = pairedRows(queries, targets, dims);
        return sameItemRanks(cosineMatrix(queries, targets, dims, parallelism), n);
    }

    private static int[] sameItemRanks(double[] sim, int n) {
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

    private static int pairedRows(float[] queries, float[] targets, int dims) {
        if (queries.length % dims != 0 || targets.length % dims != 0) {
            throw new IllegalArgumentException("queries and targets must hold whole rows of [" + dims + "] dimensions, got ["
                + queries.length + "] and [" + targets.length + "] values");
        }
        if (queries.length != targets.length) {
            throw new IllegalArgumentException("queries and targets must have as many rows, got rows: " + queries.length / dims + "!="
                + targets.length / dims);
        }
        return queries.length / dims;
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
        int n = pairedRows(translated, targets, dims);
        double[] sim = cosineMatrix(translated, targets, dims, parallelism);
        int[] ranks = sameItemRanks(sim, n);
        double agreement = neighbourAgreement(sim, targets, n, dims, AGREEMENT_NEIGHBOURS, parallelism);
        return new HeldOutMetrics(meanRowCosine(translated, targets, dims), topK(ranks, 1), topK(ranks, 10), mrr(ranks), agreement, n);
    }

    /**
     * Neighbour agreement of translated rows with their true targets: for each row {@code i}, the share of the {@code k}
     * target rows nearest to target {@code i} that are also among the {@code k} target rows nearest to translation
     * {@code i}, both ranked by cosine among the targets other than {@code i} (all of them when fewer than {@code k}),
     * ties to the lower index; the mean over rows, in [0, 1], and 0 when there are fewer than two rows. Unlike the
     * same-item ranks it does not saturate once each translation lands nearest its own target: it asks whether the
     * translation keeps the target's neighbourhood.
     */
    public static double neighbourAgreement(float[] translated, float[] targets, int dims, int k, int parallelism) {
        if (k < 1) {
            throw new IllegalArgumentException("[k] must be at least 1, got [" + k + "]");
        }
        int n = pairedRows(translated, targets, dims);
        return neighbourAgreement(cosineMatrix(translated, targets, dims, parallelism), targets, n, dims, k, parallelism);
    }

    /**
     * {@code translatedSim} is the {@code n x n} cosine matrix of translations against targets. The target-target cosines
     * are computed a block of rows at a time, so that this adds {@code BLOCK_ROWS x n} to the memory of the metrics, not
     * another {@code n x n}.
     */
    private static double neighbourAgreement(double[] translatedSim, float[] targets, int n, int dims, int k, int parallelism) {
        if (n < 2) {
            return 0;
        }
        int kept = Math.min(k, n - 1);
        float[] bank = unitRowsTransposed(targets, n, dims);
        int block = Math.min(n, BLOCK_ROWS);
        float[] blockRows = new float[block * dims];
        double[] nativeSim = new double[block * n];
        int[] translatedTop = new int[kept], nativeTop = new int[kept];
        double[] scratch = new double[kept];
        long shared = 0;
        for (int from = 0; from < n; from += block) {
            int rows = Math.min(block, n - from);
            if (rows < block) {
                blockRows = new float[rows * dims];
                nativeSim = new double[rows * n];
            } else {
                Arrays.fill(nativeSim, 0); // the kernel adds to its output
            }
            for (int c = 0; c < dims; c++) {
                System.arraycopy(bank, c * n + from, blockRows, c * rows, rows);
            }
            MatrixKernels.transposeProduct(blockRows, rows, bank, n, 0, dims, nativeSim, parallelism);
            for (int r = 0; r < rows; r++) {
                int i = from + r;
                topExcluding(translatedSim, i * n, n, i, translatedTop, scratch);
                topExcluding(nativeSim, r * n, n, i, nativeTop, scratch);
                shared += common(translatedTop, nativeTop);
            }
        }
        return shared / ((double) kept * n);
    }

    /**
     * The {@code top.length} highest of {@code scores[offset .. offset + n)} other than position {@code excluded}, as
     * positions, best first, ties to the lower position; by a bounded insertion, O(n k) for {@code k = top.length}.
     * {@code n - 1} must be at least {@code k}.
     */
    static void topExcluding(double[] scores, int offset, int n, int excluded, int[] top, double[] best) {
        int k = top.length, size = 0;
        for (int j = 0; j < n; j++) {
            if (j == excluded) {
                continue;
            }
            double s = scores[offset + j];
            // positions come in increasing order, so an equal score already held keeps its place ahead of this one
            if (size == k && Double.compare(s, best[k - 1]) <= 0) {
                continue;
            }
            int at = size == k ? k - 1 : size++;
            while (at > 0 && Double.compare(s, best[at - 1]) > 0) {
                best[at] = best[at - 1];
                top[at] = top[at - 1];
                at--;
            }
            best[at] = s;
            top[at] = j;
        }
    }

    private static int common(int[] a, int[] b) {
        int count = 0;
        for (int x : a) {
            for (int y : b) {
                if (x == y) {
                    count++;
                    break;
                }
            }
        }
        return count;
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
