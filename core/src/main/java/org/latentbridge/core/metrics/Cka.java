package org.latentbridge.core.metrics;

import org.latentbridge.core.linalg.MatrixKernels;

/**
 * Linear centred kernel alignment between two representations of the same items (Kornblith et al., 2019):
 * {@code ||Yc^T Xc||_F^2 / (||Xc^T Xc||_F ||Yc^T Yc||_F)} with {@code Xc}, {@code Yc} column-centred. 1 when one space is
 * an orthogonal transform and scaling of the other; near 0 when unrelated.
 */
public final class Cka {
    private Cka() {}

    /** CKA of row-major {@code x} ({@code n x dx}) and {@code y} ({@code n x dy}), paired by row. */
    public static double linear(float[] x, int dx, float[] y, int dy, int parallelism) {
        int n = x.length / dx;
        if (x.length % dx != 0 || y.length % dy != 0) {
            throw new IllegalArgumentException("CKA needs whole rows: [" + x.length + "] values of [" + dx + "] dimensions and ["
                + y.length + "] values of [" + dy + "] dimensions");
        }
        if (n != y.length / dy || n < 2) {
            throw new IllegalArgumentException("CKA needs the same number (at least 2) of rows in both spaces, got rows: " + n + "!="
                + y.length / dy);
        }
        float[] xc = centredColumns(x, n, dx), yc = centredColumns(y, n, dy);
        double[] xy = new double[dx * dy], xx = new double[dx * dx], yy = new double[dy * dy];
        MatrixKernels.transposeProduct(xc, dx, yc, dy, 0, n, xy, parallelism);
        MatrixKernels.transposeProduct(xc, dx, xc, dx, 0, n, xx, parallelism);
        MatrixKernels.transposeProduct(yc, dy, yc, dy, 0, n, yy, parallelism);
        return fromScatter(xx, xy, yy);
    }

    /** CKA from the centred scatter matrices {@code Xc^T Xc}, {@code Xc^T Yc}, {@code Yc^T Yc}. */
    public static double fromScatter(double[] xx, double[] xy, double[] yy) {
        double denominator = Math.sqrt(frobeniusSquared(xx) * frobeniusSquared(yy));
        return denominator == 0 ? 0 : frobeniusSquared(xy) / denominator;
    }

    private static double frobeniusSquared(double[] m) {
        double s = 0;
        for (double v : m) {
            s += v * v;
        }
        return s;
    }

    private static float[] centredColumns(float[] m, int n, int d) {
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += m[i * d + j];
            }
        }
        float[] c = new float[m.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                c[i * d + j] = (float) (m[i * d + j] - mean[j] / n);
            }
        }
        return c;
    }
}
