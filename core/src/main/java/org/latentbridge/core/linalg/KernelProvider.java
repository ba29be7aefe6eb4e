package org.latentbridge.core.linalg;

/**
 * The dense kernels behind {@link MatrixKernels}: a plain-Java implementation and one on the incubating Vector API.
 * All matrices are row-major float arrays; implementations must agree to float rounding.
 */
interface KernelProvider {

    /** {@code y = x W} where {@code W} is {@code rows x cols}; {@code y} (length {@code cols}) is overwritten. */
    void vectorTimesMatrix(float[] x, float[] w, int rows, int cols, float[] y);

    /** {@code y = A x} where {@code A} is {@code rows x cols}; {@code y} (length {@code rows}) is overwritten. */
    void matrixTimesVector(float[] a, int rows, int cols, float[] x, float[] y);

    /**
     * Adds {@code A[kFrom:kTo, iFrom:iTo]^T B[kFrom:kTo, :]} to rows {@code iFrom..iTo} of {@code C} ({@code p x q}),
     * where {@code A} is {@code n x p} and {@code B} is {@code n x q}. Sums are carried in double across row blocks.
     */
    void accumulateTransposeProduct(float[] a, int p, float[] b, int q, int kFrom, int kTo, int iFrom, int iTo, double[] c);

    String name();
}
