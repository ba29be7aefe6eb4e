package org.latentbridge.core.fit;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.latentbridge.core.linalg.MatrixKernels;
import org.latentbridge.core.translate.Method;

/**
 * Orthogonal Procrustes: {@code U S V^T = svd(X^T Y)}, {@code W = U V^T}. The thin SVD gives a {@code d_s x d_t}
 * partial isometry when the dimensions differ (the same map as zero-padding the smaller space).
 */
final class OrthogonalFit implements MethodFit {

    @Override
    public Method method() {
        return Method.ORTHOGONAL;
    }

    @Override
    public boolean usesLambda() {
        return false;
    }

    @Override
    public LinearMap fit(Moments m, double ignored, int parallelism) {
        return LinearMap.withoutBias(polar(m.cxy, m.ds, m.dt, parallelism), m.ds, m.dt);
    }

    /** The orthogonal factor {@code U V^T} of a row-major {@code ds x dt} cross-covariance (not modified). */
    static double[] polar(double[] cxy, int ds, int dt, int parallelism) {
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(ds, dt, true, true, true);
        if (svd.decompose(DMatrixRMaj.wrap(ds, dt, cxy.clone())) == false) {
            throw new IllegalArgumentException("the anchors' cross-covariance could not be decomposed (non-finite values?)");
        }
        DMatrixRMaj u = svd.getU(null, true); // r x ds, rows are left singular vectors
        DMatrixRMaj v = svd.getV(null, true); // r x dt
        int r = u.numRows;
        double[] w = new double[ds * dt];
        // W = U V^T = sum_k u_k v_k^T: (U^T)^T (V^T) over the r singular pairs
        MatrixKernels.transposeProduct(MatrixKernels.toFloat(u.data), ds, MatrixKernels.toFloat(v.data), dt, 0, r, w, parallelism);
        return w;
    }
}
