package org.latentbridge.core.translate;

import org.latentbridge.core.linalg.MatrixKernels;
import org.latentbridge.core.linalg.Vectors;

import java.util.Arrays;
import java.util.Objects;

/**
 * The applied form of every absolute-space method ({@link Method#ORTHOGONAL}, {@link Method#LINEAR},
 * {@link Method#AFFINE}, {@link Method#INVERSE_RELATIVE}): enter the source frame, multiply by one
 * {@code d_s x d_t} matrix, add a bias, leave through the target frame. Inverse relative projection is precomposed
 * into its matrix at fit time, so every method costs one matrix-vector product per query.
 */
public final class LinearTranslator implements SpaceTranslator {
    private final Method method;
    private final SpaceFrame source;
    private final SpaceFrame target;
    private final float[] matrix;
    private final float[] bias;
    private final int anchorCount;

    /**
     * @param matrix row-major {@code source.dims() x target.dims()}; owned by the translator from now on
     * @param bias   length {@code target.dims()}, zeros for methods without one; owned by the translator
     */
    public LinearTranslator(Method method, SpaceFrame source, SpaceFrame target, float[] matrix, float[] bias, int anchorCount) {
        this.method = Objects.requireNonNull(method);
        if (method == Method.RELATIVE) {
            throw new IllegalArgumentException("[relative] is not a linear map between absolute spaces");
        }
        this.source = Objects.requireNonNull(source);
        this.target = Objects.requireNonNull(target);
        if (matrix.length != source.dims() * target.dims()) {
            throw new IllegalArgumentException("[matrix] must be " + source.dims() + "x" + target.dims() + ", got " + matrix.length
                + " values");
        }
        Vectors.checkDimensions("bias", target.dims(), bias.length);
        Vectors.checkFinite("matrix", matrix);
        Vectors.checkFinite("bias", bias);
        this.matrix = matrix;
        this.bias = bias;
        this.anchorCount = anchorCount;
    }

    @Override
    public float[] translate(float[] vector, boolean unitLength) {
        Vectors.checkInput(vector, source.dims());
        float[] shifted = new float[source.dims()];
        // shifted = the entered vector times 2^-exponent: exact power-of-two scaling keeps the float product finite
        int exponent = source.shiftInto(vector, shifted);
        float[] y = new float[target.dims()];
        MatrixKernels.vectorTimesMatrix(shifted, matrix, source.dims(), target.dims(), y);
        if (source.preprocessing().normalize()) {
            // the map is linear up to its bias: normalising the product equals multiplying the normalised input, and the
            // power-of-two scale cancels
            double norm = Vectors.norm(shifted);
            float inv = norm > 0 ? (float) (1 / norm) : 1f;
            for (int j = 0; j < y.length; j++) {
                y[j] = y[j] * inv + bias[j];
            }
        } else if (exponent == 0) {
            for (int j = 0; j < y.length; j++) {
                y[j] = y[j] + bias[j];
            }
        } else {
            double[] unscaled = new double[y.length];
            for (int j = 0; j < y.length; j++) {
                unscaled[j] = Math.scalb((double) y[j], exponent) + bias[j];
            }
            Vectors.toFloatChecked("vector", unscaled, y);
        }
        return target.leave(y, unitLength);
    }

    @Override
    public LinearTranslator withMeanWeight(double meanWeight) {
        return new LinearTranslator(method, source, target.withMeanWeight(meanWeight), matrix, bias, anchorCount);
    }

    @Override
    public Method method() {
        return method;
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

    /** The matrix itself; callers must not modify it. */
    public float[] matrix() {
        return matrix;
    }

    /** The bias itself; callers must not modify it. */
    public float[] bias() {
        return bias;
    }

    @Override
    public long ramBytesUsed() {
        return 64 + 4L * (matrix.length + bias.length) + source.ramBytesUsed() + target.ramBytesUsed();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinearTranslator t && method == t.method && anchorCount == t.anchorCount
            && Arrays.equals(matrix, t.matrix) && Arrays.equals(bias, t.bias)
            && source.equals(t.source) && target.equals(t.target);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, anchorCount, Arrays.hashCode(matrix));
    }

    @Override
    public String toString() {
        return "LinearTranslator[" + method.apiName() + ", " + source.dims() + "->" + target.dims() + ", anchors=" + anchorCount + "]";
    }
}
