package org.latentbridge.core.linalg;

import java.util.Arrays;

/** Plain-Java kernels: the fallback where the Vector API module is not present (core used on its own, older lines). */
final class ScalarKernels implements KernelProvider {

    @Override
    public void vectorTimesMatrix(float[] x, float[] w, int rows, int cols, float[] y) {
        Arrays.fill(y, 0, cols, 0f);
        for (int i = 0; i < rows; i++) {
            float xi = x[i];
            int base = i * cols;
            for (int j = 0; j < cols; j++) {
                y[j] += xi * w[base + j];
            }
        }
    }

    @Override
    public void matrixTimesVector(float[] a, int rows, int cols, float[] x, float[] y) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            float s = 0;
            for (int j = 0; j < cols; j++) {
                s += a[base + j] * x[j];
            }
            y[r] = s;
        }
    }

    @Override
    public void accumulateTransposeProduct(float[] a, int p, float[] b, int q, int kFrom, int kTo, int iFrom, int iTo, double[] c) {
        for (int k = kFrom; k < kTo; k++) {
            int aBase = k * p, bBase = k * q;
            for (int i = iFrom; i < iTo; i++) {
                double aki = a[aBase + i];
                if (aki == 0) {
                    continue;
                }
                int cBase = i * q;
                for (int j = 0; j < q; j++) {
                    c[cBase + j] += aki * b[bBase + j];
                }
            }
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
