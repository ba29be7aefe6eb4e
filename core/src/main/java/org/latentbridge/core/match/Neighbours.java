package org.latentbridge.core.match;

import org.latentbridge.core.linalg.MatrixKernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinTask;

/**
 * Nearest rows between two row-major float matrices by inner product, computed block by block through the dense
 * kernels ({@link MatrixKernels#transposeProduct}) so that a pool of thousands of rows never holds its full similarity
 * matrix. For unit rows the inner product is the cosine.
 */
public final class Neighbours {
    /** Query rows per block: a block's scores are {@code BLOCK_ROWS x candidates} doubles. */
    static final int BLOCK_ROWS = 256;

    private Neighbours() {}

    /** Receives one block of scores: row {@code r} of the block is query {@code from + r}, {@code candidates} values each. */
    @FunctionalInterface
    public interface BlockConsumer {
        void accept(int from, int to, double[] scores, int candidates);
    }

    /**
     * Streams {@code Q C^T + bias} in blocks of query rows, where {@code Q} is {@code nq x d} and {@code C} is
     * {@code nc x d}; {@code bias} (per candidate, may be null) is added to every row, which turns an inner product into
     * a Euclidean ranking ({@code q.c - |c|^2 / 2}).
     */
    public static void scores(float[] queries, float[] candidates, int d, double[] bias, int parallelism, BlockConsumer consumer) {
        int nq = queries.length / d, nc = candidates.length / d;
        float[] ct = transpose(candidates, nc, d);
        double[] block = new double[Math.min(BLOCK_ROWS, Math.max(nq, 1)) * nc];
        for (int from = 0; from < nq; from += BLOCK_ROWS) {
            int to = Math.min(nq, from + BLOCK_ROWS), rows = to - from;
            float[] qt = transpose(Arrays.copyOfRange(queries, from * d, to * d), rows, d);
            double[] c = rows * nc == block.length ? block : new double[rows * nc];
            Arrays.fill(c, 0);
            MatrixKernels.transposeProduct(qt, rows, ct, nc, 0, d, c, parallelism);
            if (bias != null) {
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < nc; j++) {
                        c[r * nc + j] += bias[j];
                    }
                }
            }
            consumer.accept(from, to, c, nc);
        }
    }

    /**
     * The {@code k} best candidates of every query, best first; ties go to the lower index. With {@code skipSelf}, query
     * {@code i} never gets candidate {@code i} (queries and candidates are then the same rows).
     *
     * @return {@code [indices (nq x k, as doubles), scores (nq x k)]} row-major
     */
    public static Top top(float[] queries, float[] candidates, int d, int k, boolean skipSelf, int parallelism) {
        int nq = queries.length / d;
        int[] index = new int[nq * k];
        double[] score = new double[nq * k];
        // the selection costs about as much as the product: each task scores and selects its own rows, one product thread each
        inParallel(nq, parallelism, (rowFrom, rowTo) -> scores(Arrays.copyOfRange(queries, rowFrom * d, rowTo * d), candidates, d, null,
            1, (from, to, block, nc) -> {
                for (int r = from; r < to; r++) {
                    int i = rowFrom + r;
                    selectTop(block, (r - from) * nc, nc, skipSelf ? i : -1, k, index, score, i * k);
                }
            }));
        return new Top(index, score, k);
    }

    /** Receives a range of rows. */
    @FunctionalInterface
    public interface RowRange {
        void accept(int from, int to);
    }

    /**
     * Splits rows {@code 0..n} into up to {@code parallelism} contiguous ranges and runs them as tasks of the caller's
     * fork-join pool (the common pool outside one); each range's work must write only its own rows. Ranges start at
     * multiples of {@link #BLOCK_ROWS}, so the blocks {@link #scores} forms are the same rows at any parallelism, and so
     * are their sums.
     */
    public static void inParallel(int n, int parallelism, RowRange work) {
        int tasks = Math.max(1, Math.min(parallelism, n / BLOCK_ROWS));
        if (tasks == 1) {
            work.accept(0, n);
            return;
        }
        List<ForkJoinTask<?>> running = new ArrayList<>(tasks);
        for (int t = 0; t < tasks; t++) {
            int from = aligned(n, tasks, t), to = aligned(n, tasks, t + 1);
            running.add(ForkJoinTask.adapt(() -> work.accept(from, to)).fork());
        }
        for (ForkJoinTask<?> task : running) {
            task.join();
        }
    }

    /** The nearest candidate of every query in Euclidean distance. */
    public static int[] nearestEuclidean(float[] queries, float[] candidates, int d, int parallelism) {
        int nq = queries.length / d, nc = candidates.length / d;
        double[] bias = new double[nc];
        for (int j = 0; j < nc; j++) {
            double s = 0;
            for (int t = 0; t < d; t++) {
                double v = candidates[j * d + t];
                s += v * v;
            }
            bias[j] = -s / 2;
        }
        int[] nearest = new int[nq];
        scores(queries, candidates, d, bias, parallelism, (from, to, block, ncols) -> {
            for (int i = from; i < to; i++) {
                int off = (i - from) * ncols, best = 0;
                for (int j = 1; j < ncols; j++) {
                    if (block[off + j] > block[off + best]) {
                        best = j;
                    }
                }
                nearest[i] = best;
            }
        });
        return nearest;
    }

    private static int aligned(int n, int tasks, int t) {
        return t == tasks ? n : (int) ((long) n * t / tasks) / BLOCK_ROWS * BLOCK_ROWS;
    }

    /** The k best of each query: {@code index[i * k + r]} and {@code score[i * k + r]} for rank {@code r}. */
    public record Top(int[] index, double[] score, int k) {}

    private static void selectTop(double[] row, int off, int n, int skip, int k, int[] index, double[] score, int out) {
        int filled = 0;
        for (int j = 0; j < n; j++) {
            if (j == skip) {
                continue;
            }
            double v = row[off + j];
            if (filled == k && v <= score[out + k - 1]) {
                continue;
            }
            int pos = filled < k ? filled++ : k - 1;
            while (pos > 0 && score[out + pos - 1] < v) {
                score[out + pos] = score[out + pos - 1];
                index[out + pos] = index[out + pos - 1];
                pos--;
            }
            score[out + pos] = v;
            index[out + pos] = j;
        }
    }

    static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }
}
