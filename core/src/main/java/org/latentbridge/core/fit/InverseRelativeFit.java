package org.latentbridge.core.fit;

import org.latentbridge.core.translate.Method;

/**
 * Inverse relative projection, precomposed. The relative vector of {@code x} against the source's normalised anchors is
 * {@code r = X x / ||x||}; the ridge pseudo-inverse of the target's anchors maps it back:
 * {@code x_T = (Y^T Y + lambda I)^-1 Y^T r}. Both steps are linear and the output is re-normalised, so the translator
 * stores the single {@code d_s x d_t} matrix {@code W = X^T Y (Y^T Y + lambda I)^-1} and a query costs one product.
 * It needs each model's own anchors only, at a measured cost in quality against {@code orthogonal}.
 */
final class InverseRelativeFit extends RidgeFit {

    @Override
    public Method method() {
        return Method.INVERSE_RELATIVE;
    }

    @Override
    int gramDims(Moments m) {
        return m.dt;
    }

    @Override
    int rhsCols(Moments m) {
        return m.ds;
    }

    @Override
    double[] gram(Moments m) {
        return m.gy;
    }

    @Override
    double[] rhs(Moments m) {
        return Moments.transpose(m.cxy, m.ds, m.dt); // Y^T X
    }

    @Override
    LinearMap toMap(double[] solution, Moments m) {
        // solution = (Y^T Y + lambda I)^-1 Y^T X, d_t x d_s; the row-vector map is its transpose
        return LinearMap.withoutBias(Moments.transpose(solution, m.dt, m.ds), m.ds, m.dt);
    }
}
