package org.latentbridge.core.linalg;

import java.util.Objects;

/**
 * Small vector utilities shared by every part of core: the precondition checks and their messages live here only,
 * so a user sees the same wording whichever code path rejected a vector.
 */
public final class Vectors {
    private Vectors() {}

    /**
     * Largest magnitude an intermediate float value may have before it is rescaled by a power of two: a product of two
     * such values summed over a float kernel's block of 256 terms stays at 2^120, below {@link Float#MAX_VALUE} (2^128),
     * and a product with an O(1) matrix summed over any realistic dimension stays far below it. Its inverse keeps tiny
     * values clear of the subnormal range (below 2^-126), where float loses digits.
     */
    public static final float SAFE_MAGNITUDE = 0x1p56f;

    /** Throws when the two lengths differ; {@code what} names the vector in the message. */
    public static void checkDimensions(String what, int expected, int actual) {
        if (expected != actual) {
            throw new IllegalArgumentException("[" + what + "] " + wrongDimensions(expected, actual));
        }
    }

    /** The one wording of a dimension mismatch, for callers that name the vector their own way. */
    public static String wrongDimensions(int expected, int actual) {
        return "has wrong dimensions: expected [" + expected + "] but got [" + actual + "]";
    }

    /**
     * The precondition of every translation: a vector of {@code dims} finite values, not all zero (a zero vector has no
     * direction to translate).
     */
    public static void checkInput(float[] vector, int dims) {
        Objects.requireNonNull(vector, "vector");
        checkDimensions("vector", dims, vector.length);
        boolean zero = true;
        for (int i = 0; i < vector.length; i++) {
            float v = vector[i];
            if (Float.isFinite(v) == false) {
                throw new IllegalArgumentException("[vector] has a non-finite value at [" + i + "]: " + v);
            }
            zero &= v == 0;
        }
        if (zero) {
            throw new IllegalArgumentException("[vector] is a zero vector: it has no direction to translate");
        }
    }

    /**
     * Rounds {@code values} to float into {@code out}, refusing a value beyond the float range: the output boundary of
     * every translation, so no caller ever receives or stores an infinity.
     */
    public static void toFloatChecked(String what, double[] values, float[] out) {
        for (int i = 0; i < values.length; i++) {
            float v = (float) values[i];
            if (Float.isFinite(v) == false) {
                throw new IllegalArgumentException("[" + what + "] has a value beyond the float32 range at [" + i + "]: " + values[i]
                    + "; the input is too large for this translator");
            }
            out[i] = v;
        }
    }

    /** Largest absolute value, 0 for an empty vector. */
    public static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    /** Euclidean norm of a double vector, scaled by its largest magnitude first (as LAPACK's nrm2) so that it cannot overflow. */
    public static double norm(double[] v) {
        double max = maxAbs(v);
        if (max == 0 || Double.isFinite(max) == false) {
            return max;
        }
        double s = 0;
        for (double x : v) {
            double r = x / max;
            s += r * r;
        }
        return max * Math.sqrt(s);
    }

    /** Throws on the first NaN or infinite value, naming its position. */
    public static void checkFinite(String what, float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (Float.isFinite(v[i]) == false) {
                throw new IllegalArgumentException("[" + what + "] has a non-finite value at [" + i + "]: " + v[i]);
            }
        }
    }

    /** Dot product accumulated in double: products of float values cannot overflow there (at most 2^256 each). */
    public static double dot(float[] a, float[] b) {
        checkDimensions("vector", a.length, b.length);
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    public static double norm(float[] v) {
        return Math.sqrt(dot(v, v));
    }

    /** Cosine similarity; 0 when either vector is zero (a zero vector is similar to nothing). */
    public static double cosine(float[] a, float[] b) {
        double na = norm(a), nb = norm(b);
        if (na == 0 || nb == 0) {
            return 0;
        }
        return dot(a, b) / (na * nb);
    }

    /**
     * Scales {@code v} to unit length in place and returns its former norm. A zero vector is left as it is
     * (its norm, 0, is returned) so that callers decide whether zero is an error.
     */
    public static double normalizeInPlace(float[] v) {
        double n = norm(v);
        if (n > 0) {
            float inv = (float) (1.0 / n);
            if (inv >= Float.MIN_NORMAL && Float.isFinite(inv)) {
                for (int i = 0; i < v.length; i++) {
                    v[i] *= inv;
                }
            } else {
                // a norm beyond 2^126 or below 2^-126: its float inverse would lose digits or overflow; divide in double
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (v[i] / n);
                }
            }
        }
        return n;
    }

    /** Copy of row {@code row} of a row-major matrix with {@code cols} columns. */
    public static float[] row(float[] matrix, int cols, int row) {
        float[] out = new float[cols];
        System.arraycopy(matrix, row * cols, out, 0, cols);
        return out;
    }
}
