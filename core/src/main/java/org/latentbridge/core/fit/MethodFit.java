package org.latentbridge.core.fit;

import org.latentbridge.core.translate.Method;

import java.util.ArrayList;
import java.util.List;

/** One translation method, fitted in closed form from {@link Moments}. */
interface MethodFit {

    Method method();

    /** Whether the method has a ridge lambda to choose on a validation split. */
    boolean usesLambda();

    /** The fitted map for one relative lambda (ignored by methods without one). */
    LinearMap fit(Moments m, double relativeLambda, int parallelism);

    /** One map per lambda; ridge methods decompose once for the whole grid. */
    default List<LinearMap> fitAll(Moments m, double[] relativeLambdas, int parallelism) {
        List<LinearMap> maps = new ArrayList<>();
        for (double lambda : relativeLambdas) {
            maps.add(fit(m, lambda, parallelism));
        }
        return maps;
    }

    static MethodFit of(Method method) {
        return switch (method) {
            case ORTHOGONAL -> new OrthogonalFit();
            case LINEAR -> new LinearFit();
            case AFFINE -> new AffineFit();
            case INVERSE_RELATIVE -> new InverseRelativeFit();
            case ORTHOGONAL_KERNEL -> throw new IllegalArgumentException(
                "[orthogonal_kernel] is not one matrix: it is fitted by KernelCorrectionFit");
            case CONTRASTIVE -> throw new IllegalArgumentException(
                "[contrastive] is fitted by gradient steps on the anchors, not from moments: it is fitted by ContrastiveFit");
            case FUNCTIONAL_MAP, GROMOV_WASSERSTEIN -> throw new IllegalArgumentException(
                "[" + method.apiName() + "] is fitted from pools of unpaired vectors, not from moments: it is fitted by PoolFit");
            case RELATIVE -> throw new IllegalArgumentException(
                "[relative] is a projection, not a fitted translator: use the relative projection of each model instead");
        };
    }
}
