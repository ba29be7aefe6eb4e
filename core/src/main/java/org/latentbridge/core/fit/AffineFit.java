package org.latentbridge.core.fit;

import org.latentbridge.core.translate.Method;

/**
 * Ridge on {@code [X 1]} with the bias left unregularised, in its centred closed form: {@code W} is the ridge solution
 * on rows centred by their own means, and {@code b = mean(Y) - mean(X) W}.
 */
final class AffineFit extends RidgeFit {

    @Override
    public Method method() {
        return Method.AFFINE;
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
        return Moments.centred(m.gx, m.sumX, m.sumX, m.count);
    }

    @Override
    double[] rhs(Moments m) {
        return Moments.centred(m.cxy, m.sumX, m.sumY, m.count);
    }

    @Override
    LinearMap toMap(double[] w, Moments m) {
        int ds = m.ds, dt = m.dt;
        double[] b = new double[dt];
        for (int j = 0; j < dt; j++) {
            double s = m.sumY[j];
            for (int i = 0; i < ds; i++) {
                s -= m.sumX[i] * w[i * dt + j];
            }
            b[j] = s / m.count;
        }
        return new LinearMap(w, b, ds, dt);
    }
}
