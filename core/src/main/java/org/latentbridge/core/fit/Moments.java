package org.latentbridge.core.fit;

import org.latentbridge.core.linalg.MatrixKernels;

/**
 * The sufficient statistics of paired rows that every linear method is fitted from: {@code X^T X}, {@code X^T Y},
 * {@code Y^T Y}, the column sums and the row count. They add over disjoint row ranges, so a split into fit,
 * validation and held-out rows costs one pass over the anchors in all, not one per split.
 */
final class Moments {
    final int ds, dt, count;
    final double[] gx;   // ds x ds
    final double[] cxy;  // ds x dt
    final double[] gy;   // dt x dt
    final double[] sumX; // ds
    final double[] sumY; // dt

    private Moments(int ds, int dt, int count, double[] gx, double[] cxy, double[] gy, double[] sumX, double[] sumY) {
        this.ds = ds;
        this.dt = dt;
        this.count = count;
        this.gx = gx;
        this.cxy = cxy;
        this.gy = gy;
        this.sumX = sumX;
        this.sumY = sumY;
    }

    /** Moments of rows {@code from..to} of row-major {@code x} ({@code n x ds}) and {@code y} ({@code n x dt}). */
    static Moments of(float[] x, int ds, float[] y, int dt, int from, int to, int parallelism) {
        double[] gx = new double[ds * ds], cxy = new double[ds * dt], gy = new double[dt * dt];
        MatrixKernels.transposeProduct(x, ds, x, ds, from, to, gx, parallelism);
        MatrixKernels.transposeProduct(x, ds, y, dt, from, to, cxy, parallelism);
        MatrixKernels.transposeProduct(y, dt, y, dt, from, to, gy, parallelism);
        double[] sx = new double[ds], sy = new double[dt];
        for (int i = from; i < to; i++) {
            for (int j = 0; j < ds; j++) {
                sx[j] += x[i * ds + j];
            }
            for (int j = 0; j < dt; j++) {
                sy[j] += y[i * dt + j];
            }
        }
        return new Moments(ds, dt, to - from, gx, cxy, gy, sx, sy);
    }

    Moments plus(Moments o) {
        return new Moments(ds, dt, count + o.count, add(gx, o.gx), add(cxy, o.cxy), add(gy, o.gy), add(sumX, o.sumX), add(sumY, o.sumY));
    }

    private static double[] add(double[] a, double[] b) {
        double[] c = a.clone();
        for (int i = 0; i < c.length; i++) {
            c[i] += b[i];
        }
        return c;
    }

    /** {@code M - count * u v^T}: a second moment turned into a scatter about the column means {@code u}, {@code v}. */
    static double[] centred(double[] m, double[] sumU, double[] sumV, int count) {
        int p = sumU.length, q = sumV.length;
        double[] c = m.clone();
        for (int i = 0; i < p; i++) {
            double ui = sumU[i] / count;
            for (int j = 0; j < q; j++) {
                c[i * q + j] -= count * ui * (sumV[j] / count);
            }
        }
        return c;
    }

    static double trace(double[] square, int d) {
        double t = 0;
        for (int i = 0; i < d; i++) {
            t += square[i * d + i];
        }
        return t;
    }

    static double[] transpose(double[] m, int rows, int cols) {
        double[] t = new double[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }
}
