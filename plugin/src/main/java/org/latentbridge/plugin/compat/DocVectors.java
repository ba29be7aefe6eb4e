package org.latentbridge.plugin.compat;

import java.io.IOException;

/** One segment's float vectors of one field, read forward: documents must be asked for in increasing order. */
public interface DocVectors {
    /** The vector of segment-local {@code doc}, or null when it has none; the array may be reused by the next call. */
    float[] vector(int doc) throws IOException;
}
