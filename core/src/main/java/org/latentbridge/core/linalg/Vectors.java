package org.latentbridge.core.linalg;

/**
 * Small vector utilities shared by every part of core: the precondition checks and their messages live here only,
 * so a user sees the same wording whichever code path rejected a vector.
 */
public final class Vectors {
    private Vectors() {}

    /** Throws when the two lengths differ; {@code what} names the vector in the message. */
    public static void checkDimensions(String what, int expected, int actual) {
        if (expected != actual) {
            throw new IllegalArgumentException(
                "[" + what + "] has wrong dimensions: expected [" + expected + "] but got [" + actual + "]");
        }
    }

    /** Throws on the first NaN or infinite value, naming its position. */
    public static void checkFinite(String what, float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (Float.isFinite(v[i]) == false) {
                throw new IllegalArgumentException("[" + what + "] has a non-finite value at [" + i + "]: " + v[i]);
            }
        }
    }

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
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
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
