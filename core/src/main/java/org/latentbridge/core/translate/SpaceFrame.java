package org.latentbridge.core.translate;

import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.anchor.AnchorStatistics;
import org.latentbridge.core.linalg.Vectors;

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
            normSum += unscaled.shiftInto(row, shifted);
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

    /** A new array: {@code x} in the translator space. A vector equal to the mean enters as the zero vector. */
    public float[] enter(float[] x) {
        float[] out = new float[mean.length];
        double norm = shiftInto(x, out);
        if (preprocessing.normalize() && norm > 0) {
            float inv = (float) (1 / norm);
            for (int j = 0; j < out.length; j++) {
                out[j] *= inv;
            }
        }
        return out;
    }

    /**
     * Writes {@code x} centred and standardised as configured (not normalised) into {@code out}, in one pass, and
     * returns the norm of the result. Translation is linear up to its bias, so callers may normalise afterwards.
     */
    double shiftInto(float[] x, float[] out) {
        Vectors.checkDimensions("vector", mean.length, x.length);
        boolean center = preprocessing.center(), standardize = preprocessing.standardize();
        double sumSq = 0;
        for (int j = 0; j < x.length; j++) {
            float v = x[j];
            if (center) {
                v -= mean[j];
            }
            if (standardize) {
                v /= std[j];
            }
            out[j] = v;
            sumSq += (double) v * v;
        }
        return Math.sqrt(sumSq);
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
     * (for {@code cosine} and {@code dot_product} fields).
     */
    public float[] leave(float[] y, boolean unitLength) {
        Vectors.checkDimensions("vector", mean.length, y.length);
        float factor = 1f;
        if (preprocessing.normalize()) {
            double n = Vectors.norm(y);
            factor = n > 0 ? (float) (scale / n) : 1f;
        }
        boolean standardize = preprocessing.standardize();
        float w = preprocessing.center() ? (float) preprocessing.meanWeight() : 0f;
        double sumSq = 0;
        for (int j = 0; j < y.length; j++) {
            float v = y[j] * factor;
            if (standardize) {
                v *= std[j];
            }
            v += w * mean[j];
            y[j] = v;
            sumSq += (double) v * v;
        }
        if (unitLength && sumSq > 0) {
            float inv = (float) (1 / Math.sqrt(sumSq));
            for (int j = 0; j < y.length; j++) {
                y[j] *= inv;
            }
        }
        return y;
    }

    /** The same frame with another mean weight. */
    public SpaceFrame withMeanWeight(double meanWeight) {
        return new SpaceFrame(preprocessing.withMeanWeight(meanWeight), mean, std, scale);
    }

    long ramBytesUsed() {
        return 48 + 8L * mean.length;
    }
}
