package org.latentbridge.core.fit;

import org.latentbridge.core.translate.Method;

/** Ridge least squares {@code W = (X^T X + lambda I)^-1 X^T Y}. Never unregularised: it collapses near {@code n = d}. */
final class LinearFit extends RidgeFit {

    @Override
    public Method method() {
        return Method.LINEAR;
    }

    @Override
    int gramDims(Moments m) {
        return m.ds;
    }

    @Override
    int rhsCols(Moments m) {
        return m.dt;
    }

    @Override
    double[] gram(Moments m) {
        return m.gx;
    }

    @Override
    double[] rhs(Moments m) {
        return m.cxy;
    }

    @Override
    LinearMap toMap(double[] solution, Moments m) {
        return LinearMap.withoutBias(solution, m.ds, m.dt);
    }
}
