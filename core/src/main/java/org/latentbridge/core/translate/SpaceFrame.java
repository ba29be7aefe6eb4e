package org.latentbridge.core.translate;

import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.anchor.AnchorStatistics;
import org.latentbridge.core.linalg.Vectors;

import java.util.Arrays;

/**
 * One model's reference frame under a {@link Preprocessing}: {@link #enter} maps a raw vector into the normalised
 * space translators work in, {@link #leave} maps a vector of that space back to raw coordinates. Immutable.
 */
public final class SpaceFrame {
    private final Preprocessing preprocessing;
    private final float[] mean;
    private final float[] std;
    /** Mean norm of the anchors after centring/standardising: the length a normalised vector is given back. */
    private final double scale;

    public SpaceFrame(Preprocessing preprocessing, float[] mean, float[] std, double scale) {
        if (mean.length != std.length) {
            throw new IllegalArgumentException("[mean] and [std] differ in length: " + mean.length + "!=" + std.length);
        }
        Vectors.checkFinite("mean", mean);
        Vectors.checkFinite("std", std);
        for (int j = 0; j < std.length; j++) {
            if (std[j] <= 0) {
                throw new IllegalArgumentException("[std] must be positive, got [" + std[j] + "] at [" + j + "]");
            }
        }
        if (Double.isFinite(scale) == false || scale <= 0) {
            throw new IllegalArgumentException("[scale] must be positive and finite, got [" + scale + "]");
        }
        this.preprocessing = preprocessing;
        this.mean = mean;
        this.std = std;
        this.scale = scale;
    }

    /** The frame of {@code anchors} under {@code preprocessing}, with statistics computed on those anchors. */
    public static SpaceFrame of(AnchorSet anchors, Preprocessing preprocessing) {
        AnchorStatistics stats = AnchorStatistics.of(anchors);
        SpaceFrame unscaled = new SpaceFrame(preprocessing, stats.mean(), stats.std(), 1);
        int n = anchors.size(), d = anchors.dims();
        float[] m = anchors.matrix();
        float[] row = new float[d], shifted = new float[d];
        double normSum = 0;
        for (int i = 0; i < n; i++) {
            System.arraycopy(m, i * d, row, 0, d);
            int exponent = unscaled.shiftInto(row, shifted);
            normSum += Math.scalb(Vectors.norm(shifted), exponent);
        }
        double scale = normSum / n;
        // every anchor equal to the mean: no spread to restore, keep unit length rather than fail later
        return new SpaceFrame(preprocessing, stats.mean(), stats.std(), scale > 0 ? scale : 1);
    }

    public int dims() {
        return mean.length;
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    public float[] mean() {
        return mean;
    }

    public float[] std() {
        return std;
    }

    public double scale() {
        return scale;
    }

    /**
     * A new array: {@code x} in the translator space. A vector equal to the mean enters as the zero vector. Without
     * normalisation, a vector whose centred (standardised) values leave the float range is refused.
     */
    public float[] enter(float[] x) {
        float[] out = new float[mean.length];
        int exponent = shiftInto(x, out);
        if (preprocessing.normalize()) {
            Vectors.normalizeInPlace(out); // the power-of-two scale of shiftInto cancels
        } else if (exponent != 0) {
            double[] unscaled = new double[out.length];
            for (int j = 0; j < out.length; j++) {
                unscaled[j] = Math.scalb((double) out[j], exponent);
            }
            Vectors.toFloatChecked("vector", unscaled, out);
        }
        return out;
    }

    /**
     * Writes {@code x} centred and standardised as configured (not normalised) into {@code out}, times {@code 2^-e}, and
     * returns {@code e}. Ordinary vectors take a float pass and {@code e = 0}, so they are rounded exactly as always. When
     * that pass overflows, or its largest value lies outside {@code [1/SAFE_MAGNITUDE, SAFE_MAGNITUDE]}, the values are
     * recomputed in double and scaled by the power of two that brings the largest near 1: exact scaling, so a caller
     * that normalises (or is linear) can undo it or let it cancel.
     */
    int shiftInto(float[] x, float[] out) {
        Vectors.checkDimensions("vector", mean.length, x.length);
        boolean center = preprocessing.center(), standardize = preprocessing.standardize();
        float max = 0;
        for (int j = 0; j < x.length; j++) {
            float v = x[j];
            if (center) {
                v -= mean[j];
            }
            if (standardize) {
                v /= std[j];
            }
            out[j] = v;
            max = Math.max(max, Math.abs(v));
        }
        if (max == 0 || (max <= Vectors.SAFE_MAGNITUDE && max >= 1 / Vectors.SAFE_MAGNITUDE)) {
            return 0;
        }
        double[] shifted = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            double v = x[j];
            if (center) {
                v -= mean[j];
            }
            if (standardize) {
                v /= std[j];
            }
            shifted[j] = v;
        }
        double largest = Vectors.maxAbs(shifted);
        int exponent = largest == 0 ? 0 : Math.getExponent(largest);
        for (int j = 0; j < x.length; j++) {
            out[j] = (float) Math.scalb(shifted[j], -exponent);
        }
        return exponent;
    }

    /** Every row of a row-major matrix, entered; a new array. */
    public float[] enterRows(float[] matrix) {
        int d = mean.length;
        float[] out = new float[matrix.length];
        float[] row = new float[d];
        for (int off = 0; off < matrix.length; off += d) {
            System.arraycopy(matrix, off, row, 0, d);
            System.arraycopy(enter(row), 0, out, off, d);
        }
        return out;
    }

    /**
     * Maps {@code y}, a vector of the translator space, back to raw coordinates in place: rescale to the anchors'
     * mean norm, un-standardise, add {@code meanWeight} times the mean; then, if {@code unitLength}, re-normalise
     * (for {@code cosine} and {@code dot_product} fields). Computed in double, so an anchor scale near the float limit
     * neither overflows nor loses digits; a raw result beyond the float range is refused, a unit-length one cannot be.
     */
    public float[] leave(float[] y, boolean unitLength) {
        Vectors.checkDimensions("vector", mean.length, y.length);
        double norm = preprocessing.normalize() ? Vectors.norm(y) : 0;
        boolean standardize = preprocessing.standardize();
        double w = preprocessing.center() ? preprocessing.meanWeight() : 0;
        double[] out = new double[y.length];
        for (int j = 0; j < y.length; j++) {
            // y / norm before the scale: |y_j| <= norm, so the quotient is at most 1 and the product at most the scale
            double v = norm > 0 ? y[j] / norm * scale : y[j];
            if (standardize) {
                v *= std[j];
            }
            out[j] = v + w * mean[j];
        }
        if (unitLength) {
            double n = Vectors.norm(out);
            if (n > 0) {
                for (int j = 0; j < out.length; j++) {
                    out[j] /= n;
                }
            }
        }
        Vectors.toFloatChecked("vector", out, y);
        return y;
    }

    /** The same frame with another mean weight. */
    public SpaceFrame withMeanWeight(double meanWeight) {
        return new SpaceFrame(preprocessing.withMeanWeight(meanWeight), mean, std, scale);
    }

    long ramBytesUsed() {
        return 48 + 8L * mean.length;
    }

    /** Same preprocessing, statistics and scale, compared bit for bit. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SpaceFrame f && preprocessing.equals(f.preprocessing) && Arrays.equals(mean, f.mean)
            && Arrays.equals(std, f.std) && Double.compare(scale, f.scale) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * preprocessing.hashCode() + Arrays.hashCode(mean)) + Arrays.hashCode(std);
    }
}
