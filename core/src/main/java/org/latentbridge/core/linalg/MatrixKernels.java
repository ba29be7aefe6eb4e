package org.latentbridge.core.linalg;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.Supplier;

/**
 * The dense products on the hot paths: one translation per query ({@link #vectorTimesMatrix}), a relative projection
 * ({@link #matrixTimesVector}) and the cross products that dominate a fit ({@link #transposeProduct}).
 *
 * <p>The implementation is chosen once, when this class loads: the Vector API kernels when the
 * {@code jdk.incubator.vector} module is in the boot layer (Elasticsearch 9 starts its JVM with it), plain Java
 * otherwise. The system property {@code latent.kernels=scalar} forces the plain-Java kernels.
 *
 * <p>The parallel products fork their tasks into the fork-join pool their caller runs in, or into the common pool when
 * the caller is not a fork-join worker. A caller that must bound their CPU (a server) runs the whole computation in a
 * pool of its own with {@link #inPool}.
 */
public final class MatrixKernels {
    private static final KernelProvider PROVIDER = lookup();
    private static final KernelProvider SCALAR = new ScalarKernels();

    private MatrixKernels() {}

    private static KernelProvider lookup() {
        if ("scalar".equals(System.getProperty("latent.kernels"))) {
            return new ScalarKernels();
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                return (KernelProvider) Class.forName("org.latentbridge.core.linalg.PanamaKernels")
                    .getDeclaredConstructor()
                    .newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                // fall through: a JVM that lists the module but cannot link the kernels still gets correct results
            }
        }
        return new ScalarKernels();
    }

    /** Name of the implementation in use: {@code scalar} or {@code panama-<bits>}. */
    public static String implementation() {
        return PROVIDER.name();
    }

    static KernelProvider provider(boolean vectorized) {
        return vectorized ? PROVIDER : SCALAR;
    }

    /** {@code y = x W}, {@code W} row-major {@code rows x cols}. {@code y} is overwritten; {@code x} is not modified. */
    public static void vectorTimesMatrix(float[] x, float[] w, int rows, int cols, float[] y) {
        checkShape(x.length >= rows && w.length == rows * cols && y.length >= cols, "vectorTimesMatrix");
        PROVIDER.vectorTimesMatrix(x, w, rows, cols, y);
    }

    /** {@code y = A x}, {@code A} row-major {@code rows x cols}. {@code y} is overwritten; {@code x} is not modified. */
    public static void matrixTimesVector(float[] a, int rows, int cols, float[] x, float[] y) {
        checkShape(x.length >= cols && a.length == rows * cols && y.length >= rows, "matrixTimesVector");
        PROVIDER.matrixTimesVector(a, rows, cols, x, y);
    }

    /**
     * Adds {@code A[kFrom:kTo]^T B[kFrom:kTo]} to {@code C}, where {@code A} is {@code n x p}, {@code B} is
     * {@code n x q} and {@code C} is {@code p x q}, all row-major. Rows of {@code C} are split over up to
     * {@code parallelism} tasks of the caller's fork-join pool (the common pool outside one).
     */
    public static void transposeProduct(float[] a, int p, float[] b, int q, int kFrom, int kTo, double[] c, int parallelism) {
        checkShape(a.length % p == 0 && b.length % q == 0 && c.length == p * q && kTo * p <= a.length && kTo * q <= b.length,
            "transposeProduct");
        int tasks = Math.max(1, Math.min(parallelism, p / 16));
        if (tasks == 1 || (long) (kTo - kFrom) * p * q < 2_000_000L) {
            PROVIDER.accumulateTransposeProduct(a, p, b, q, kFrom, kTo, 0, p, c);
            return;
        }
        List<ForkJoinTask<?>> running = new ArrayList<>(tasks);
        for (int t = 0; t < tasks; t++) {
            // blocks of C rows aligned to 4 so that every task uses the full register tile
            int iFrom = alignedSplit(p, tasks, t), iTo = alignedSplit(p, tasks, t + 1);
            // fork(): into the pool this thread works for, else the common pool
            running.add(ForkJoinTask.adapt(() -> PROVIDER.accumulateTransposeProduct(a, p, b, q, kFrom, kTo, iFrom, iTo, c)).fork());
        }
        for (ForkJoinTask<?> task : running) {
            task.join();
        }
    }

    /**
     * Runs {@code work} on a worker of {@code pool} and waits for it, so that the products it computes fork into that pool;
     * runs it here when {@code pool} is null or this thread already works for it. An exception from {@code work} is rethrown
     * as it was thrown (not wrapped or copied, as {@code ForkJoinPool.invoke} would do).
     */
    public static <T> T inPool(ForkJoinPool pool, Supplier<T> work) {
        if (pool == null || ForkJoinTask.getPool() == pool) {
            return work.get();
        }
        try {
            return CompletableFuture.supplyAsync(work, pool).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private static int alignedSplit(int p, int tasks, int t) {
        if (t == tasks) {
            return p;
        }
        return Math.min(p, (int) ((long) p * t / tasks) & ~3);
    }

    /** Transpose of a row-major {@code rows x cols} double matrix, as float. */
    public static float[] transposeToFloat(double[] m, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = (float) m[r * cols + c];
            }
        }
        return t;
    }

    /** {@code A B} for row-major double matrices ({@code n x k} times {@code k x m}), with the fit-time kernel. */
    public static double[] multiply(double[] a, int n, int k, double[] b, int m, int parallelism) {
        float[] at = transposeToFloat(a, n, k); // k x n: its transpose is A
        float[] bf = toFloat(b);
        double[] c = new double[n * m];
        transposeProduct(at, n, bf, m, 0, k, c, parallelism);
        return c;
    }

    public static float[] toFloat(double[] m) {
        float[] f = new float[m.length];
        for (int i = 0; i < m.length; i++) {
            f[i] = (float) m[i];
        }
        return f;
    }

    private static void checkShape(boolean ok, String op) {
        if (ok == false) {
            throw new IllegalArgumentException("[" + op + "] matrix and vector shapes do not agree");
        }
    }
}
