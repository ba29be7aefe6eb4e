package org.latentbridge.core.fit;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ridge solutions against an independent solve: {@code (G + lambda I)^-1 C} with {@code G = X^T X} and
 * {@code C = X^T Y} is the least-squares solution of {@code [X; sqrt(lambda) I] W = [Y; 0]}, which EJML's QR solves
 * without ever forming {@code G}.
 */
class RidgeTests {
    /**
     * Stated tolerance, relative to the largest entry of the solution. With {@code lambda = 1e-4} of the mean eigenvalue
     * and a square Gaussian {@code X} (largest eigenvalue about 4 times the mean), {@code G + lambda I} has a condition
     * number near 4e4. Measured on this system: 1.1e-12 for the double solve; an explicit inverse multiplied in float
     * (the former path) gave 3.7e-6, which this tolerance refuses.
     */
    private static final double RELATIVE_TOLERANCE = 1e-8;

    @Test
    void choleskySolveAndEigenPathMatchQrLeastSquaresAtD1024() {
        int d = 1024, q = 8;
        double relativeLambda = 1e-4;
        Random random = new Random(31);
        DMatrixRMaj x = new DMatrixRMaj(d, d), y = new DMatrixRMaj(d, q);
        fillGaussian(x, random);
        fillGaussian(y, random);
        DMatrixRMaj g = new DMatrixRMaj(d, d), c = new DMatrixRMaj(d, q);
        CommonOps_DDRM.multTransA(x, x, g);
        CommonOps_DDRM.multTransA(x, y, c);
        double lambda = Ridge.absoluteLambda(relativeLambda, g.data, d);

        DMatrixRMaj augmented = new DMatrixRMaj(2 * d, d), rhs = new DMatrixRMaj(2 * d, q), expected = new DMatrixRMaj(d, q);
        System.arraycopy(x.data, 0, augmented.data, 0, d * d);
        System.arraycopy(y.data, 0, rhs.data, 0, d * q);
        for (int i = 0; i < d; i++) {
            augmented.set(d + i, i, Math.sqrt(lambda));
        }
        LinearSolverDense<DMatrixRMaj> qr = LinearSolverFactory_DDRM.leastSquares(2 * d, d);
        assertTrue(qr.setA(augmented));
        qr.solve(rhs, expected);

        double scale = CommonOps_DDRM.elementMaxAbs(expected);
        double cholError = maxAbsDiff(Ridge.solve(g.data, d, c.data, q, relativeLambda), expected.data) / scale;
        assertTrue(cholError < RELATIVE_TOLERANCE, "Cholesky solve: max |W - W_qr| / max |W_qr| = " + cholError);
        double pathError = maxAbsDiff(new Ridge.Path(g.data, d, c.data, q).solve(relativeLambda), expected.data) / scale;
        assertTrue(pathError < RELATIVE_TOLERANCE, "eigen path: max |W - W_qr| / max |W_qr| = " + pathError);
    }

    private static void fillGaussian(DMatrixRMaj m, Random random) {
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = random.nextGaussian();
        }
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
