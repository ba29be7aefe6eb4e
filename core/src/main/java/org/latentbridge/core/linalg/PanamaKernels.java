package org.latentbridge.core.linalg;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the incubating Vector API. Loaded reflectively by {@link MatrixKernels} only when the module is present,
 * so that nothing else in core references {@code jdk.incubator.vector}.
 *
 * <p>The per-query product {@code x W} keeps four output vectors in registers and streams {@code W} once, which is
 * what bounds it: reading the matrix from cache, not the multiply-adds. The fit-time product {@code A^T B} keeps a
 * 4 x 3 tile of accumulators and sums at most {@link #ROW_BLOCK} rows in float before adding them into double.
 */
final class PanamaKernels implements KernelProvider {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** Rows summed in float before a double accumulation: bounds the float rounding to this many terms. */
    static final int ROW_BLOCK = 256;

    @Override
    public void vectorTimesMatrix(float[] x, float[] w, int rows, int cols, float[] y) {
        int j = 0;
        for (; j + 4 * L <= cols; j += 4 * L) {
            FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            for (int i = 0, base = j; i < rows; i++, base += cols) {
                FloatVector xi = FloatVector.broadcast(SPECIES, x[i]);
                acc0 = FloatVector.fromArray(SPECIES, w, base).fma(xi, acc0);
                acc1 = FloatVector.fromArray(SPECIES, w, base + L).fma(xi, acc1);
                acc2 = FloatVector.fromArray(SPECIES, w, base + 2 * L).fma(xi, acc2);
                acc3 = FloatVector.fromArray(SPECIES, w, base + 3 * L).fma(xi, acc3);
            }
            acc0.intoArray(y, j);
            acc1.intoArray(y, j + L);
            acc2.intoArray(y, j + 2 * L);
            acc3.intoArray(y, j + 3 * L);
        }
        for (; j + L <= cols; j += L) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int i = 0, base = j; i < rows; i++, base += cols) {
                acc = FloatVector.fromArray(SPECIES, w, base).fma(FloatVector.broadcast(SPECIES, x[i]), acc);
            }
            acc.intoArray(y, j);
        }
        for (; j < cols; j++) {
            float s = 0;
            for (int i = 0, idx = j; i < rows; i++, idx += cols) {
                s += x[i] * w[idx];
            }
            y[j] = s;
        }
    }

    @Override
    public void matrixTimesVector(float[] a, int rows, int cols, float[] x, float[] y) {
        float[] lanes = new float[L];
        int bound4 = cols - cols % (4 * L);
        int bound1 = cols - cols % L;
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            FloatVector acc0 = FloatVector.zero(SPECIES), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            int j = 0;
            for (; j < bound4; j += 4 * L) {
                acc0 = FloatVector.fromArray(SPECIES, a, base + j).fma(FloatVector.fromArray(SPECIES, x, j), acc0);
                acc1 = FloatVector.fromArray(SPECIES, a, base + j + L).fma(FloatVector.fromArray(SPECIES, x, j + L), acc1);
                acc2 = FloatVector.fromArray(SPECIES, a, base + j + 2 * L).fma(FloatVector.fromArray(SPECIES, x, j + 2 * L), acc2);
                acc3 = FloatVector.fromArray(SPECIES, a, base + j + 3 * L).fma(FloatVector.fromArray(SPECIES, x, j + 3 * L), acc3);
            }
            for (; j < bound1; j += L) {
                acc0 = FloatVector.fromArray(SPECIES, a, base + j).fma(FloatVector.fromArray(SPECIES, x, j), acc0);
            }
            // lanes summed in a fixed order: reduceLanes(ADD) on floats leaves the order to the implementation, and the
            // interpreted and compiled forms differ in the last bit, so one query could translate two ways
            acc0.add(acc1).add(acc2.add(acc3)).intoArray(lanes, 0);
            float s = 0;
            for (float lane : lanes) {
                s += lane;
            }
            for (; j < cols; j++) {
                s += a[base + j] * x[j];
            }
            y[r] = s;
        }
    }

    @Override
    public void accumulateTransposeProduct(float[] a, int p, float[] b, int q, int kFrom, int kTo, int iFrom, int iTo, double[] c) {
        float[] tile = new float[4 * 3 * L];
        for (int k0 = kFrom; k0 < kTo; k0 += ROW_BLOCK) {
            int k1 = Math.min(k0 + ROW_BLOCK, kTo);
            int i = iFrom;
            for (; i + 4 <= iTo; i += 4) {
                int j = 0;
                for (; j + 3 * L <= q; j += 3 * L) {
                    tile4x3(a, p, b, q, k0, k1, i, j, tile);
                    addTile(tile, 4, 3 * L, c, q, i, j);
                }
                for (; j + L <= q; j += L) {
                    tile4x1(a, p, b, q, k0, k1, i, j, tile);
                    addTile(tile, 4, L, c, q, i, j);
                }
                if (j < q) {
                    scalarBlock(a, p, b, q, k0, k1, i, i + 4, j, c);
                }
            }
            if (i < iTo) {
                scalarBlock(a, p, b, q, k0, k1, i, iTo, 0, c);
            }
        }
    }

    private static void tile4x3(float[] a, int p, float[] b, int q, int k0, int k1, int i, int j, float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c02 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00;
        for (int k = k0; k < k1; k++) {
            int bBase = k * q + j;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bBase);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bBase + L);
            FloatVector b2 = FloatVector.fromArray(SPECIES, b, bBase + 2 * L);
            int aBase = k * p + i;
            FloatVector a0 = FloatVector.broadcast(SPECIES, a[aBase]);
            c00 = b0.fma(a0, c00);
            c01 = b1.fma(a0, c01);
            c02 = b2.fma(a0, c02);
            FloatVector a1 = FloatVector.broadcast(SPECIES, a[aBase + 1]);
            c10 = b0.fma(a1, c10);
            c11 = b1.fma(a1, c11);
            c12 = b2.fma(a1, c12);
            FloatVector a2 = FloatVector.broadcast(SPECIES, a[aBase + 2]);
            c20 = b0.fma(a2, c20);
            c21 = b1.fma(a2, c21);
            c22 = b2.fma(a2, c22);
            FloatVector a3 = FloatVector.broadcast(SPECIES, a[aBase + 3]);
            c30 = b0.fma(a3, c30);
            c31 = b1.fma(a3, c31);
            c32 = b2.fma(a3, c32);
        }
        int w = 3 * L;
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c02.intoArray(tile, 2 * L);
        c10.intoArray(tile, w);
        c11.intoArray(tile, w + L);
        c12.intoArray(tile, w + 2 * L);
        c20.intoArray(tile, 2 * w);
        c21.intoArray(tile, 2 * w + L);
        c22.intoArray(tile, 2 * w + 2 * L);
        c30.intoArray(tile, 3 * w);
        c31.intoArray(tile, 3 * w + L);
        c32.intoArray(tile, 3 * w + 2 * L);
    }

    private static void tile4x1(float[] a, int p, float[] b, int q, int k0, int k1, int i, int j, float[] tile) {
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0;
        for (int k = k0; k < k1; k++) {
            FloatVector bv = FloatVector.fromArray(SPECIES, b, k * q + j);
            int aBase = k * p + i;
            c0 = bv.fma(FloatVector.broadcast(SPECIES, a[aBase]), c0);
            c1 = bv.fma(FloatVector.broadcast(SPECIES, a[aBase + 1]), c1);
            c2 = bv.fma(FloatVector.broadcast(SPECIES, a[aBase + 2]), c2);
            c3 = bv.fma(FloatVector.broadcast(SPECIES, a[aBase + 3]), c3);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, L);
        c2.intoArray(tile, 2 * L);
        c3.intoArray(tile, 3 * L);
    }

    private static void addTile(float[] tile, int rows, int width, double[] c, int q, int i, int j) {
        for (int r = 0; r < rows; r++) {
            int cBase = (i + r) * q + j, tBase = r * width;
            for (int l = 0; l < width; l++) {
                c[cBase + l] += tile[tBase + l];
            }
        }
    }

    private static void scalarBlock(float[] a, int p, float[] b, int q, int k0, int k1, int iFrom, int iTo, int jFrom, double[] c) {
        for (int i = iFrom; i < iTo; i++) {
            for (int j = jFrom; j < q; j++) {
                double s = 0;
                for (int k = k0; k < k1; k++) {
                    s += (double) a[k * p + i] * b[k * q + j];
                }
                c[i * q + j] += s;
            }
        }
    }

    @Override
    public String name() {
        return "panama-" + SPECIES.vectorBitSize();
    }
}
