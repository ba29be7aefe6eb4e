package org.latentbridge.core.fit;

import java.util.ArrayList;
import java.util.List;

/**
 * The ridge family: methods whose map solves {@code (G + lambda I) Z = C} for a Gram {@code G} and right-hand side
 * {@code C} taken from the moments. Subclasses say which {@code G} and {@code C}, and how {@code Z} becomes a map.
 */
abstract class RidgeFit implements MethodFit {

    abstract int gramDims(Moments m);

    abstract int rhsCols(Moments m);

    abstract double[] gram(Moments m);

    abstract double[] rhs(Moments m);

    abstract LinearMap toMap(double[] solution, Moments m);

    @Override
    public final boolean usesLambda() {
        return true;
    }

    @Override
    public final LinearMap fit(Moments m, double relativeLambda, int parallelism) {
        return toMap(Ridge.solve(gram(m), gramDims(m), rhs(m), rhsCols(m), relativeLambda), m);
    }

    @Override
    public final List<LinearMap> fitAll(Moments m, double[] relativeLambdas, int parallelism) {
        Ridge.Path path = new Ridge.Path(gram(m), gramDims(m), rhs(m), rhsCols(m));
        List<LinearMap> maps = new ArrayList<>();
        for (double lambda : relativeLambdas) {
            maps.add(toMap(path.solve(lambda), m));
        }
        return maps;
    }
}
