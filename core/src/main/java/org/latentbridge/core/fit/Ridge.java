package org.latentbridge.core.fit;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Ridge solutions {@code (G + lambda I)^-1 C} for a symmetric positive semi-definite {@code G} ({@code d x d}) and a
 * right-hand side {@code C} ({@code d x q}). Lambdas are given relative to the mean eigenvalue {@code trace(G)/d}, so one
 * grid serves anchors of any scale and count.
 *
 * <p>A {@link Path} decomposes {@code G} once and then solves for many lambdas at the cost of one product each;
 * {@link #solve} factors {@code G + lambda I} by Cholesky for a single lambda.
 *
 * <p>Everything here stays in double. The products are {@code d x d} by {@code d x q}, O(d^3) once per lambda, small
 * next to the O(n d^2) moments that use the float SIMD kernels; rounding the factors of a small-lambda system to float
 * would cost its condition number times float precision in the solution.
 */
final class Ridge {
    private Ridge() {}

    static double absoluteLambda(double relative, double[] g, int d) {
        return relative * Math.max(Moments.trace(g, d) / d, Double.MIN_NORMAL);
    }

    /** {@code (G + lambda I)^-1 C} with {@code lambda = relative * trace(G) / d}. */
    static double[] solve(double[] g, int d, double[] c, int q, double relative) {
        double lambda = absoluteLambda(relative, g, d);
        DMatrixRMaj a = DMatrixRMaj.wrap(d, d, g.clone());
        for (int i = 0; i < d; i++) {
            a.data[i * d + i] += lambda;
        }
        LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.symmPosDef(d);
        if (chol.setA(a) == false) {
            // numerically indefinite despite the ridge: fall back to the eigen path, which clamps negative eigenvalues
            return new Path(g, d, c, q).solve(relative);
        }
        DMatrixRMaj solution = new DMatrixRMaj(d, q);
        // a solve with the factors: cheaper and more accurate than forming the inverse and multiplying by it
        chol.solve(DMatrixRMaj.wrap(d, q, c.clone()), solution);
        return solution.data;
    }

    /** The eigen-decomposition of {@code G} and {@code V^T C}, ready to solve for any lambda. */
    static final class Path {
        private final int d, q;
        private final double[] eigenvalues;
        private final double[] vectors; // d x d, column k = eigenvector k
        private final double[] projected; // V^T C, d x q
        private final double meanEigenvalue;

        Path(double[] g, int d, double[] c, int q) {
            this.d = d;
            this.q = q;
            EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
            if (eig.decompose(DMatrixRMaj.wrap(d, d, g.clone())) == false) {
                throw new IllegalArgumentException("the anchors' Gram matrix could not be decomposed (non-finite values?)");
            }
            eigenvalues = new double[d];
            vectors = new double[d * d];
            for (int k = 0; k < d; k++) {
                eigenvalues[k] = Math.max(0, eig.getEigenvalue(k).real);
                DMatrixRMaj v = eig.getEigenVector(k);
                for (int i = 0; i < d; i++) {
                    vectors[i * d + k] = v.data[i];
                }
            }
            DMatrixRMaj projectedMatrix = new DMatrixRMaj(d, q);
            CommonOps_DDRM.multTransA(DMatrixRMaj.wrap(d, d, vectors), DMatrixRMaj.wrap(d, q, c), projectedMatrix);
            projected = projectedMatrix.data;
            meanEigenvalue = Math.max(Moments.trace(g, d) / d, Double.MIN_NORMAL);
        }

        double[] eigenvalues() {
            return eigenvalues;
        }

        double[] solve(double relative) {
            double lambda = relative * meanEigenvalue;
            double[] scaled = projected.clone();
            for (int k = 0; k < d; k++) {
                double f = 1.0 / (eigenvalues[k] + lambda);
                for (int j = 0; j < q; j++) {
                    scaled[k * q + j] *= f;
                }
            }
            DMatrixRMaj solution = new DMatrixRMaj(d, q);
            CommonOps_DDRM.mult(DMatrixRMaj.wrap(d, d, vectors), DMatrixRMaj.wrap(d, q, scaled), solution);
            return solution.data;
        }
    }
}
