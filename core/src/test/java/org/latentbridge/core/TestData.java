package org.latentbridge.core;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.latentbridge.core.anchor.AnchorSet;

import java.util.Random;

/** Synthetic anchors for invariant and contract tests. Never used for claims about real encoders. */
public final class TestData {
    private TestData() {}

    public static String[] ids(int n) {
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = String.format("a%05d", i);
        }
        return ids;
    }

    /** Gaussian rows with a random offset, so that centring matters. */
    public static float[] gaussian(int n, int d, Random random) {
        float[] offset = new float[d];
        for (int j = 0; j < d; j++) {
            offset[j] = (float) (0.5 * random.nextGaussian());
        }
        float[] m = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                m[i * d + j] = (float) random.nextGaussian() + offset[j];
            }
        }
        return m;
    }

    public static AnchorSet anchors(float[] matrix, int d) {
        return AnchorSet.ofMatrix(d, ids(matrix.length / d), matrix);
    }

    /** A random {@code rows x cols} matrix with orthonormal rows or columns, row-major. */
    public static double[] orthogonal(int rows, int cols, Random random) {
        if (rows < cols) {
            // EJML makes tall matrices with orthonormal columns; a wide one is the transpose of a tall one
            DMatrixRMaj tall = RandomMatrices_DDRM.orthogonal(cols, rows, random);
            return CommonOps_DDRM.transpose(tall, null).data;
        }
        return RandomMatrices_DDRM.orthogonal(rows, cols, random).data;
    }

    /** {@code scale * X M} for row-major {@code X} ({@code n x p}) and {@code M} ({@code p x q}), in double then rounded. */
    public static float[] times(float[] x, int p, double[] m, int q, double scale) {
        int n = x.length / p;
        float[] y = new float[n * q];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < q; j++) {
                double s = 0;
                for (int k = 0; k < p; k++) {
                    s += x[i * p + k] * m[k * q + j];
                }
                y[i * q + j] = (float) (scale * s);
            }
        }
        return y;
    }

    public static double maxAbsDiff(float[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    public static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
