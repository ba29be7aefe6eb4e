package org.latentbridge.core.linalg;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both kernel implementations against a double-precision reference, on shapes that exercise every tail of the
 * register tiles. Run twice by the build: with the Vector API module, and without it (the fallback must be chosen).
 */
class MatrixKernelsTests {
    /** Absolute tolerance per ten summed unit-scale float products (float rounding is ~6e-8 per operation). */
    private static final double TOLERANCE = 1e-4;
    private static final int[][] SHAPES = {{1, 1}, {3, 5}, {17, 33}, {64, 64}, {48, 100}, {129, 47}, {384, 384}, {7, 200}};

    @Test
    void chosenImplementationMatchesTheJvm() {
        String expected = System.getProperty("latent.expect.kernel");
        boolean modulepresent = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if ("scalar".equals(expected)) {
            assertEquals(false, modulepresent, "this run is meant to lack the Vector API module");
            assertEquals("scalar", MatrixKernels.implementation());
        } else {
            assertTrue(modulepresent, "this run is meant to have the Vector API module");
            assertTrue(MatrixKernels.implementation().startsWith("panama-"), MatrixKernels.implementation());
        }
    }

    @Test
    void vectorTimesMatrixMatchesReference() {
        Random random = new Random(1);
        for (int[] shape : SHAPES) {
            int rows = shape[0], cols = shape[1];
            float[] x = randomArray(rows, random), w = randomArray(rows * cols, random);
            double[] expected = new double[cols];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    expected[j] += (double) x[i] * w[i * cols + j];
                }
            }
            for (boolean vectorized : new boolean[] {true, false}) {
                float[] y = new float[cols];
                MatrixKernels.provider(vectorized).vectorTimesMatrix(x, w, rows, cols, y);
                assertClose(expected, y, rows + "x" + cols + " vectorized=" + vectorized, rows);
            }
        }
    }

    @Test
    void matrixTimesVectorMatchesReference() {
        Random random = new Random(2);
        for (int[] shape : SHAPES) {
            int rows = shape[0], cols = shape[1];
            float[] a = randomArray(rows * cols, random), x = randomArray(cols, random);
            double[] expected = new double[rows];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    expected[r] += (double) a[r * cols + j] * x[j];
                }
            }
            for (boolean vectorized : new boolean[] {true, false}) {
                float[] y = new float[rows];
                MatrixKernels.provider(vectorized).matrixTimesVector(a, rows, cols, x, y);
                assertClose(expected, y, rows + "x" + cols + " vectorized=" + vectorized, cols);
            }
        }
    }

    @Test
    void transposeProductMatchesReferenceOnRowRanges() {
        Random random = new Random(3);
        int[][] shapes = {{5, 3, 2}, {300, 17, 33}, {600, 64, 50}, {257, 9, 100}, {1000, 130, 70}};
        for (int[] shape : shapes) {
            int n = shape[0], p = shape[1], q = shape[2];
            float[] a = randomArray(n * p, random), b = randomArray(n * q, random);
            int from = n / 5, to = n - n / 7;
            double[] expected = new double[p * q];
            for (int k = from; k < to; k++) {
                for (int i = 0; i < p; i++) {
                    for (int j = 0; j < q; j++) {
                        expected[i * q + j] += (double) a[k * p + i] * b[k * q + j];
                    }
                }
            }
            for (boolean vectorized : new boolean[] {true, false}) {
                double[] c = new double[p * q];
                MatrixKernels.provider(vectorized).accumulateTransposeProduct(a, p, b, q, from, to, 0, p, c);
                assertClose(expected, c, n + "x" + p + "x" + q + " vectorized=" + vectorized, Math.sqrt(to - from) * 1e-5);
            }
            double[] parallel = new double[p * q];
            MatrixKernels.transposeProduct(a, p, b, q, from, to, parallel, 4);
            assertClose(expected, parallel, n + "x" + p + "x" + q + " parallel", Math.sqrt(to - from) * 1e-5);
        }
    }

    @Test
    void transposeProductAccumulatesIntoExistingValues() {
        float[] a = {1, 2, 3, 4}; // 2 x 2
        double[] c = {10, 10, 10, 10};
        MatrixKernels.transposeProduct(a, 2, a, 2, 0, 2, c, 1);
        // A^T A = [[1*1+3*3, 1*2+3*4], [2*1+4*3, 2*2+4*4]] = [[10, 14], [14, 20]]
        assertArrayEquals(new double[] {20, 24, 24, 30}, c, 1e-12);
    }

    @Test
    void shapesThatDoNotAgreeAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> MatrixKernels.vectorTimesMatrix(new float[2], new float[5], 2, 3, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> MatrixKernels.matrixTimesVector(new float[6], 2, 3, new float[2], new float[2]));
    }

    private static float[] randomArray(int n, Random random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** Float sums of {@code terms} unit-scale products: error grows at most linearly in the term count. */
    private static void assertClose(double[] expected, float[] actual, String what, int terms) {
        double[] d = new double[actual.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = actual[i];
        }
        assertClose(expected, d, what, TOLERANCE * Math.max(1, terms / 10.0));
    }

    private static void assertClose(double[] expected, double[] actual, String what, double tolerance) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, what + " at " + i);
        }
    }
}
