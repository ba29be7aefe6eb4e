package org.latentbridge.core.translate;

import org.latentbridge.core.linalg.MatrixKernels;
import org.latentbridge.core.linalg.Vectors;

import java.util.Arrays;
import java.util.Objects;

/**
 * The applied form of {@link Method#ORTHOGONAL_KERNEL}: enter the source frame (normalised), rotate, add a kernel
 * correction, leave through the target frame. With {@code x} the entered query, {@code c_i} the entered centres and
 * {@code A} the coefficients ({@code m x d_t}):
 *
 * <pre>y = x R + sum_i k(x, c_i) A_i,   k(x, c) = exp((x.c - 1) / temperature)</pre>
 *
 * On unit vectors {@code k} is the Gaussian kernel {@code exp(-|x - c|^2 / (2 temperature))}. A query costs the
 * rotation plus two products with {@code m x d} matrices (similarities to the centres, then the correction), on the
 * same SIMD kernels as the linear methods.
 */
public final class KernelTranslator implements SpaceTranslator {
    private final SpaceFrame source;
    private final SpaceFrame target;
    private final float[] rotation;
    private final float[] centres;
    private final float[] coefficients;
    private final double temperature;
    private final int centreCount;
    private final int anchorCount;

    /**
     * @param rotation     row-major {@code d_s x d_t}, the orthogonal part
     * @param centres      row-major {@code m x d_s}, entered (centred, unit-length) anchors of the source
     * @param coefficients row-major {@code m x d_t}, the kernel ridge solution; all arrays are owned from now on
     * @param temperature  kernel width on the cosine scale, positive
     */
    public KernelTranslator(SpaceFrame source, SpaceFrame target, float[] rotation, float[] centres, float[] coefficients,
                            double temperature, int anchorCount) {
        this.source = Objects.requireNonNull(source);
        this.target = Objects.requireNonNull(target);
        if (source.preprocessing().normalize() == false) {
            throw new IllegalArgumentException("[orthogonal_kernel] compares unit vectors with its centres: it needs "
                + "[preprocess.normalize] true");
        }
        int ds = source.dims(), dt = target.dims();
        if (rotation.length != ds * dt) {
            throw new IllegalArgumentException("[rotation] must be " + ds + "x" + dt + ", got " + rotation.length + " values");
        }
        if (centres.length % ds != 0 || centres.length == 0) {
            throw new IllegalArgumentException("[centres] must hold whole rows of " + ds + " values, got " + centres.length);
        }
        this.centreCount = centres.length / ds;
        if (coefficients.length != centreCount * dt) {
            throw new IllegalArgumentException("[coefficients] must be " + centreCount + "x" + dt + ", got " + coefficients.length
                + " values");
        }
        if (Double.isFinite(temperature) == false || temperature <= 0) {
            throw new IllegalArgumentException("[temperature] must be positive and finite, got [" + temperature + "]");
        }
        Vectors.checkFinite("rotation", rotation);
        Vectors.checkFinite("centres", centres);
        Vectors.checkFinite("coefficients", coefficients);
        this.rotation = rotation;
        this.centres = centres;
        this.coefficients = coefficients;
        this.temperature = temperature;
        this.anchorCount = anchorCount;
    }

    /** The kernel value of a similarity {@code x.c}: the one definition the fit and the query share. */
    public static double kernel(double similarity, double temperature) {
        return Math.exp((similarity - 1) / temperature);
    }

    /** {@link #kernel} of each similarity in {@code [from, to)}, in place. */
    public static void similaritiesToKernel(float[] similarities, int from, int to, double temperature) {
        for (int i = from; i < to; i++) {
            similarities[i] = (float) kernel(similarities[i], temperature);
        }
    }

    @Override
    public float[] translate(float[] vector, boolean unitLength) {
        int ds = source.dims(), dt = target.dims();
        Vectors.checkInput(vector, ds);
        float[] x = source.enter(vector); // unit length: the constructor requires a normalising frame
        float[] y = new float[dt];
        MatrixKernels.vectorTimesMatrix(x, rotation, ds, dt, y);
        float[] k = new float[centreCount];
        MatrixKernels.matrixTimesVector(centres, centreCount, ds, x, k);
        similaritiesToKernel(k, 0, centreCount, temperature);
        float[] correction = new float[dt];
        MatrixKernels.vectorTimesMatrix(k, coefficients, centreCount, dt, correction);
        for (int j = 0; j < dt; j++) {
            y[j] += correction[j];
        }
        return target.leave(y, unitLength);
    }

    @Override
    public KernelTranslator withMeanWeight(double meanWeight) {
        return new KernelTranslator(source, target.withMeanWeight(meanWeight), rotation, centres, coefficients, temperature, anchorCount);
    }

    @Override
    public Method method() {
        return Method.ORTHOGONAL_KERNEL;
    }

    @Override
    public int sourceDims() {
        return source.dims();
    }

    @Override
    public int targetDims() {
        return target.dims();
    }

    @Override
    public int anchorCount() {
        return anchorCount;
    }

    @Override
    public SpaceFrame source() {
        return source;
    }

    @Override
    public SpaceFrame target() {
        return target;
    }

    public int centreCount() {
        return centreCount;
    }

    public double temperature() {
        return temperature;
    }

    /** The arrays themselves; callers must not modify them. */
    public float[] rotation() {
        return rotation;
    }

    public float[] centres() {
        return centres;
    }

    public float[] coefficients() {
        return coefficients;
    }

    @Override
    public long ramBytesUsed() {
        return 80 + 4L * (rotation.length + centres.length + coefficients.length) + source.ramBytesUsed() + target.ramBytesUsed();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KernelTranslator t && anchorCount == t.anchorCount && Double.compare(temperature, t.temperature) == 0
            && Arrays.equals(rotation, t.rotation) && Arrays.equals(centres, t.centres) && Arrays.equals(coefficients, t.coefficients)
            && source.equals(t.source) && target.equals(t.target);
    }

    @Override
    public int hashCode() {
        return Objects.hash(anchorCount, temperature, Arrays.hashCode(coefficients));
    }

    @Override
    public String toString() {
        return "KernelTranslator[" + source.dims() + "->" + target.dims() + ", centres=" + centreCount + ", temperature=" + temperature
            + ", anchors=" + anchorCount + "]";
    }
}
