package org.latentbridge.core.linalg;

import org.junit.jupiter.api.Test;
import org.latentbridge.core.fit.FitOptions;

import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Where the parallel products run: in the pool a caller names, so that a server can bound the CPU a fit takes. */
class MatrixKernelsPoolTests {

    @Test
    void workRunsOnAWorkerOfTheGivenPoolAndItsProductsAgreeWithTheSerialOnes() {
        int n = 300, p = 128, q = 96;
        Random random = new Random(3);
        float[] a = new float[n * p], b = new float[n * q];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) random.nextGaussian();
        }
        double[] serial = new double[p * q];
        MatrixKernels.transposeProduct(a, p, b, q, 0, n, serial, 1);
        ForkJoinPool pool = new ForkJoinPool(3);
        try {
            double[] parallel = MatrixKernels.inPool(pool, () -> {
                assertSame(pool, ForkJoinTask.getPool(), "the work runs on a worker of the pool it was given");
                double[] c = new double[p * q];
                MatrixKernels.transposeProduct(a, p, b, q, 0, n, c, pool.getParallelism());
                return c;
            });
            // each element is summed over the same rows in the same order either way; the tolerance only allows a kernel that tiles
            // a block's edge differently
            assertArrayEquals(serial, parallel, 1e-9);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void withoutAPoolTheWorkRunsOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        assertSame(caller, MatrixKernels.inPool(null, Thread::currentThread));
        assertNull(ForkJoinTask.getPool());
    }

    @Test
    void anExceptionOfTheWorkArrivesAsItWasThrown() {
        ForkJoinPool pool = new ForkJoinPool(1);
        try {
            IllegalArgumentException thrown = new IllegalArgumentException("[holdout] must be in (0, 0.5], got [2.0]");
            IllegalArgumentException caught = assertThrows(IllegalArgumentException.class, () -> MatrixKernels.inPool(pool, () -> {
                throw thrown;
            }));
            assertSame(thrown, caught, "not a copy with the original as its cause, as ForkJoinPool.invoke would make");
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void fitOptionsTakeTheParallelismOfTheirPool() {
        ForkJoinPool pool = new ForkJoinPool(2);
        try {
            FitOptions options = FitOptions.defaults().withProducts(pool);
            assertSame(pool, options.products());
            assertEquals(2, options.parallelism());
            assertNull(FitOptions.defaults().products(), "the library default stays the common pool");
        } finally {
            pool.shutdown();
        }
    }
}
