package org.latentbridge.core.fit;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.latentbridge.core.linalg.MatrixKernels;
import org.latentbridge.core.translate.KernelTranslator;

import java.util.Arrays;

/**
 * The kernel ridge regression of {@link org.latentbridge.core.translate.Method#ORTHOGONAL_KERNEL}: fitted on the
 * residual {@code E = Y - X R} of a Procrustes rotation {@code R}, with the first {@code m} rows as centres (rows arrive
 * in the fitter's seeded shuffle, so they are a random subset of the anchors). Subset-of-regressors (Nystrom) form:
 *
 * <pre>(K_nm^T K_nm + lambda' K_mm) A = K_nm^T E,   lambda' = lambda * tr(K_nm^T K_nm) / tr(K_mm)</pre>
 *
 * so the cost is {@code O(n m^2)} time and {@code O(m^2)} memory, never cubic in the anchor count. {@code K_nm} is
 * built and consumed in row blocks and never held whole. The relative {@code lambda} makes one grid serve every scale.
 */
final class KernelCorrectionFit {
    /** Kernel widths on the cosine scale tried on the validation rows. */
    static final double[] TEMPERATURES = {0.05, 0.1, 0.2};
    /** Relative regularisation tried on the validation rows. */
    static final double[] LAMBDAS = {1e-3, 1e-2, 1e-1};
    /** Centre counts tried once the width and regularisation are chosen; larger costs more per query. */
    static final int[] CENTRE_COUNTS = {500, 1000, 2000};
    /**
     * The widths {@code auto} screens with (with {@link #SCREEN_LAMBDAS}), at {@link #SEARCH_CENTRES} centres and no
     * centre-count search: the ones the validation split chose on every real pair we measured (BENCHMARKS §12). {@code auto}
     * fits every candidate, and a full kernel search would more than double its time at 1,024 dimensions.
     */
    static final double[] SCREEN_TEMPERATURES = {0.1, 0.2};
    /** The regularisation {@code auto} screens with: the validation split chose it in every reported cell. */
    static final double[] SCREEN_LAMBDAS = {1e-3};
    /**
     * Rows {@code auto} screens the kernel on. Without a bound, the kernel candidate alone took longer than the other
     * four at 20,000 x 1,024 (BENCHMARKS §4); fewer rows can only understate its gain, so the screen errs toward the
     * cheaper one-matrix methods.
     */
    static final int SCREEN_ROWS = 4000;
    /** Centres used while the width and regularisation are chosen. */
    static final int SEARCH_CENTRES = 1000;
    /** A larger centre count must raise validation mean cosine by more than this to be worth its query cost. */
    static final double MEAN_COSINE_GAIN = 5e-4;
    private static final int BLOCK_ROWS = 512;

    record Params(double temperature, double lambda, int centres) {}

    /** The fitted correction: centres and coefficients, row-major. */
    record Correction(float[] centres, float[] coefficients, double temperature, int count) {}

    /** Sufficient statistics of one width over rows {@code [0, rows)} and the first {@code m} centres. */
    private record Normal(double[] g, double[] b, double[] kmm, int m, int dt, double temperature) {
        /** The statistics of the first {@code k} centres only: leading blocks, no recomputation. */
        Normal leading(int k) {
            if (k == m) {
                return this;
            }
            double[] gk = new double[k * k], kk = new double[k * k];
            for (int i = 0; i < k; i++) {
                System.arraycopy(g, i * m, gk, i * k, k);
                System.arraycopy(kmm, i * m, kk, i * k, k);
            }
            return new Normal(gk, Arrays.copyOf(b, k * dt), kk, k, dt, temperature);
        }
    }

    private KernelCorrectionFit() {}

    /** Residual rows {@code [from, to)} of {@code Y - X R}, row-major. */
    static float[] residual(float[] x, int ds, float[] y, int dt, float[] rotation, int from, int to) {
        int h = to - from;
        float[] e = new float[h * dt];
        float[] row = new float[ds], out = new float[dt];
        for (int i = 0; i < h; i++) {
            System.arraycopy(x, (from + i) * ds, row, 0, ds);
            MatrixKernels.vectorTimesMatrix(row, rotation, ds, dt, out);
            for (int j = 0; j < dt; j++) {
                e[i * dt + j] = y[(from + i) * dt + j] - out[j];
            }
        }
        return e;
    }

    /** Fits the correction on rows {@code [0, rows)} with {@code residual} their Procrustes residual. */
    static Correction fit(float[] x, int ds, float[] residual, int dt, int rows, Params p, int parallelism) {
        int m = Math.min(p.centres(), rows);
        Normal normal = normal(x, ds, residual, dt, rows, m, p.temperature(), parallelism);
        return solve(normal, x, ds, m, p.lambda());
    }

    /**
     * Chooses width, regularisation and centre count: fits on rows {@code [0, fitEnd)} and scores the translation of
     * rows {@code [fitEnd, valEnd)} with {@code score} (higher is better, e.g. the fitter's MRR-then-cosine order).
     * {@code screen} (for {@code auto}) searches fewer widths and keeps {@link #SEARCH_CENTRES} centres. No choice has
     * more than {@code maxCentres} centres; the cap itself is tried when it falls between two {@link #CENTRE_COUNTS}.
     */
    static Params choose(float[] x, int ds, float[] residual, int dt, int fitEnd, Scorer score, boolean screen, int maxCentres,
                         int parallelism, Runnable checkCancelled) {
        int searchCentres = Math.min(Math.min(SEARCH_CENTRES, maxCentres), fitEnd);
        Params best = null;
        double[] bestScore = null;
        for (double temperature : screen ? SCREEN_TEMPERATURES : TEMPERATURES) {
            checkCancelled.run();
            Normal normal = normal(x, ds, residual, dt, fitEnd, searchCentres, temperature, parallelism);
            for (double lambda : screen ? SCREEN_LAMBDAS : LAMBDAS) {
                double[] s = score.score(solve(normal, x, ds, searchCentres, lambda));
                if (bestScore == null || better(s, bestScore, 0)) {
                    best = new Params(temperature, lambda, searchCentres);
                    bestScore = s;
                }
            }
        }
        if (screen) {
            return best;
        }
        int[] counts = centreCounts(maxCentres);
        int largest = Math.min(counts[counts.length - 1], fitEnd);
        checkCancelled.run();
        Normal normal = normal(x, ds, residual, dt, fitEnd, largest, best.temperature(), parallelism);
        Params chosen = null;
        double[] chosenScore = null;
        for (int count : counts) {
            int m = Math.min(count, largest);
            if (chosen != null && m == chosen.centres()) {
                continue;
            }
            double[] s = m == best.centres() ? bestScore : score.score(solve(normal.leading(m), x, ds, m, best.lambda()));
            // fewer centres win unless more centres gain clearly: every centre costs every query
            if (chosenScore == null || better(s, chosenScore, MEAN_COSINE_GAIN)) {
                chosen = new Params(best.temperature(), best.lambda(), m);
                chosenScore = s;
            }
        }
        return chosen;
    }

    /** The centre counts tried under a cap: those of {@link #CENTRE_COUNTS} below it, then the cap. */
    static int[] centreCounts(int maxCentres) {
        int[] below = Arrays.stream(CENTRE_COUNTS).filter(c -> c < maxCentres).toArray();
        int[] counts = Arrays.copyOf(below, below.length + 1);
        counts[below.length] = maxCentres;
        return counts;
    }

    /** Scores a candidate correction on the validation rows: {mrr, mean cosine}. */
    interface Scorer {
        double[] score(Correction candidate);
    }

    private static boolean better(double[] s, double[] than, double cosineGain) {
        if (s[0] != than[0]) {
            return s[0] > than[0];
        }
        return s[1] > than[1] + cosineGain;
    }

    /** Adds the correction of rows {@code [from, to)} of {@code x} to {@code product} ({@code (to - from) x dt}). */
    static void addCorrection(Correction c, float[] x, int ds, int from, int to, int dt, double[] product, int parallelism) {
        float[] ct = transposeRows(c.centres(), ds, 0, c.count());
        for (int r0 = from; r0 < to; r0 += BLOCK_ROWS) {
            int r1 = Math.min(to, r0 + BLOCK_ROWS), h = r1 - r0;
            // K^T of the block (m x h): C X_b^T, then the kernel
            double[] simT = new double[c.count() * h];
            MatrixKernels.transposeProduct(ct, c.count(), transposeRows(x, ds, r0, r1), h, 0, ds, simT, parallelism);
            float[] kt = MatrixKernels.toFloat(simT);
            KernelTranslator.similaritiesToKernel(kt, 0, kt.length, c.temperature());
            double[] corr = new double[h * dt];
            MatrixKernels.transposeProduct(kt, h, c.coefficients(), dt, 0, c.count(), corr, parallelism);
            for (int i = 0; i < corr.length; i++) {
                product[(r0 - from) * dt + i] += corr[i];
            }
        }
    }

    private static Normal normal(float[] x, int ds, float[] residual, int dt, int rows, int m, double temperature, int parallelism) {
        float[] ct = transposeRows(x, ds, 0, m);
        double[] g = new double[m * m], b = new double[m * dt];
        for (int r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
            int r1 = Math.min(rows, r0 + BLOCK_ROWS), h = r1 - r0;
            double[] sim = new double[h * m];
            MatrixKernels.transposeProduct(transposeRows(x, ds, r0, r1), h, ct, m, 0, ds, sim, parallelism);
            float[] k = MatrixKernels.toFloat(sim);
            KernelTranslator.similaritiesToKernel(k, 0, k.length, temperature);
            MatrixKernels.transposeProduct(k, m, k, m, 0, h, g, parallelism);
            MatrixKernels.transposeProduct(k, m, Arrays.copyOfRange(residual, r0 * dt, r1 * dt), dt, 0, h, b, parallelism);
        }
        double[] kmm = new double[m * m];
        MatrixKernels.transposeProduct(ct, m, ct, m, 0, ds, kmm, parallelism);
        for (int i = 0; i < kmm.length; i++) {
            kmm[i] = KernelTranslator.kernel(kmm[i], temperature);
        }
        return new Normal(g, b, kmm, m, dt, temperature);
    }

    private static Correction solve(Normal n, float[] x, int ds, int m, double lambda) {
        int dt = n.dt();
        double traceG = 0, traceK = 0;
        for (int i = 0; i < m; i++) {
            traceG += n.g()[i * m + i];
            traceK += n.kmm()[i * m + i];
        }
        double scaled = lambda * traceG / traceK;
        // a jitter far below the regularisation keeps duplicate centres (identical rows of K_mm) solvable by Cholesky
        double jitter = 1e-10 * traceG / m;
        DMatrixRMaj h = new DMatrixRMaj(m, m);
        for (int i = 0; i < m * m; i++) {
            h.data[i] = n.g()[i] + scaled * n.kmm()[i];
        }
        for (int i = 0; i < m; i++) {
            h.data[i * m + i] += jitter;
        }
        DMatrixRMaj rhs = DMatrixRMaj.wrap(m, dt, n.b().clone());
        DMatrixRMaj a = new DMatrixRMaj(m, dt);
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.chol(m);
        if (solver.setA(h.copy()) == false) {
            solver = LinearSolverFactory_DDRM.pseudoInverse(true);
            if (solver.setA(h) == false) {
                throw new IllegalArgumentException("the kernel system of [orthogonal_kernel] could not be solved (non-finite values?)");
            }
        }
        solver.solve(rhs, a);
        float[] centres = Arrays.copyOfRange(x, 0, m * ds);
        return new Correction(centres, MatrixKernels.toFloat(a.data), n.temperature(), m);
    }

    /** Rows {@code [from, to)} of a row-major {@code ? x d} matrix, transposed: {@code d x (to - from)}. */
    static float[] transposeRows(float[] m, int d, int from, int to) {
        int h = to - from;
        float[] t = new float[d * h];
        for (int i = 0; i < h; i++) {
            int off = (from + i) * d;
            for (int j = 0; j < d; j++) {
                t[j * h + i] = m[off + j];
            }
        }
        return t;
    }
}
