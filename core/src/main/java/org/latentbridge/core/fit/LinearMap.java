package org.latentbridge.core.fit;

/** A fitted map of the normalised spaces, {@code y = x W + b}, before it is wrapped with the two frames. */
record LinearMap(double[] w, double[] b, int ds, int dt) {
    static LinearMap withoutBias(double[] w, int ds, int dt) {
        return new LinearMap(w, new double[dt], ds, dt);
    }
}
