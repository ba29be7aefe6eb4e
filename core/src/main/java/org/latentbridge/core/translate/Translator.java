package org.latentbridge.core.translate;

/**
 * Maps vectors of a source model into a target space: another model's absolute space, or a relative space.
 * Implementations are immutable and safe to share between threads.
 */
public interface Translator {

    Method method();

    int sourceDims();

    int targetDims();

    /** Anchors the translator was fitted on (or, for a relative space, its anchor count). */
    int anchorCount();

    /**
     * Translates one vector. Rejects a vector of the wrong dimension or with a non-finite value.
     *
     * @param unitLength re-normalise the output (targets whose similarity is {@code cosine} or {@code dot_product})
     */
    float[] translate(float[] vector, boolean unitLength);

    /** Translates each row; rows are checked as in {@link #translate}. */
    default float[][] translateAll(float[][] vectors, boolean unitLength) {
        float[][] out = new float[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            try {
                out[i] = translate(vectors[i], unitLength);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("[vectors][" + i + "]: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Approximate heap bytes held, for caches bounded by size. */
    long ramBytesUsed();
}
