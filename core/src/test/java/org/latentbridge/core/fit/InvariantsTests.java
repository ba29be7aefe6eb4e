package org.latentbridge.core.fit;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.junit.jupiter.api.Test;
import org.latentbridge.core.TestData;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.linalg.Vectors;
import org.latentbridge.core.translate.LinearTranslator;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.Preprocessing;
import org.latentbridge.core.translate.RelativeProjection;
import org.latentbridge.core.translate.SpaceFrame;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What must hold exactly (to float rounding) when the target space is a rotation and scaling of the source:
 * the rotation is recovered, and relative vectors do not change.
 */
class InvariantsTests {
    /** Stated tolerance for recovering the rotation: entries of W against Q. */
    private static final double RECOVERY_TOLERANCE = 1e-4;

    @Test
    void orthogonalLinearAffineAndInverseRelativeRecoverARotationAndScaling() {
        Random random = new Random(42);
        int n = 600, d = 24;
        float[] x = TestData.gaussian(n, d, random);
        double[] q = TestData.orthogonal(d, d, random);
        float[] y = TestData.times(x, d, q, d, 3.7);
        AnchorSet source = TestData.anchors(x, d), target = TestData.anchors(y, d);
        for (Method method : new Method[] {Method.ORTHOGONAL, Method.LINEAR, Method.AFFINE, Method.INVERSE_RELATIVE}) {
            FitResult fit = TranslatorFitter.fit(source, target, FitOptions.defaults().withMethod(method).withLambdas(1e-9));
            LinearTranslator t = fit.linearTranslator();
            double err = TestData.maxAbsDiff(t.matrix(), q);
            assertTrue(err < RECOVERY_TOLERANCE, method + ": max |W - Q| = " + err);
            for (float b : t.bias()) {
                assertEquals(0, b, RECOVERY_TOLERANCE, method + " bias");
            }
            // retrieval happens in the raw target space, where norms and the partly restored mean still differ: near 1
            assertTrue(fit.chosenMetrics().top1() >= 0.9, method + " held-out top1 " + fit.chosenMetrics().top1());
        }
    }

    @Test
    void rotationIsRecoveredBetweenDifferentDimensions() {
        Random random = new Random(7);
        int n = 500, ds = 16, dt = 40;
        float[] x = TestData.gaussian(n, ds, random);
        double[] q = TestData.orthogonal(ds, dt, random); // orthonormal rows: an isometric embedding into the larger space
        float[] y = TestData.times(x, ds, q, dt, 0.5);
        FitResult fit = TranslatorFitter.fit(TestData.anchors(x, ds), TestData.anchors(y, dt),
            FitOptions.defaults().withMethod(Method.ORTHOGONAL));
        assertTrue(TestData.maxAbsDiff(fit.linearTranslator().matrix(), q) < RECOVERY_TOLERANCE);
    }

    @Test
    void translatedVectorPointsWhereTheRotatedVectorDoes() {
        Random random = new Random(11);
        int n = 400, d = 20;
        float[] x = TestData.gaussian(n, d, random);
        double[] q = TestData.orthogonal(d, d, random);
        float[] y = TestData.times(x, d, q, d, 2.0);
        Preprocessing fullMean = Preprocessing.DEFAULT.withMeanWeight(1.0);
        FitResult fit = TranslatorFitter.fit(TestData.anchors(x, d), TestData.anchors(y, d),
            FitOptions.defaults().withMethod(Method.ORTHOGONAL).withPreprocessing(fullMean));
        SpaceFrame targetFrame = fit.translator().target();
        float[] query = TestData.gaussian(1, d, random);
        float[] expected = TestData.times(query, d, q, d, 2.0);
        float[] translated = fit.translator().translate(query, false);
        // with the whole mean added back, the centred parts agree in direction exactly
        float[] a = new float[d], b = new float[d];
        for (int j = 0; j < d; j++) {
            a[j] = translated[j] - targetFrame.mean()[j];
            b[j] = expected[j] - targetFrame.mean()[j];
        }
        assertEquals(1.0, Vectors.cosine(a, b), 1e-5);
    }

    @Test
    void relativeVectorsAreInvariantToRotationAndScaling() {
        Random random = new Random(5);
        int n = 300, d = 32;
        float[] x = TestData.gaussian(n, d, random);
        double[] q = TestData.orthogonal(d, d, random);
        float[] y = TestData.times(x, d, q, d, 5.0);
        RelativeProjection rx = RelativeProjection.of(TestData.anchors(x, d), Preprocessing.DEFAULT);
        RelativeProjection ry = RelativeProjection.of(TestData.anchors(y, d), Preprocessing.DEFAULT);
        float[] query = TestData.gaussian(1, d, random);
        float[] relX = rx.translate(query, true);
        float[] relY = ry.translate(TestData.times(query, d, q, d, 5.0), true);
        assertEquals(n, relX.length);
        assertTrue(TestData.maxAbsDiff(relX, relY) < 1e-5, "max diff " + TestData.maxAbsDiff(relX, relY));
        assertEquals(1.0, Vectors.norm(relX), 1e-5, "relative vectors are unit length");
    }

    @Test
    void ridgeWithTinyLambdaEqualsLeastSquaresWhenAnchorsFarOutnumberDimensions() {
        Random random = new Random(9);
        int n = 3000, ds = 12, dt = 10;
        float[] x = TestData.gaussian(n, ds, random);
        double[] b = new double[ds * dt];
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextGaussian();
        }
        float[] y = TestData.times(x, ds, b, dt, 1.0);
        for (int i = 0; i < y.length; i++) {
            y[i] += (float) (0.3 * random.nextGaussian()); // not an exact map: least squares has a residual
        }
        AnchorSet source = TestData.anchors(x, ds), target = TestData.anchors(y, dt);
        FitResult fit = TranslatorFitter.fit(source, target, FitOptions.defaults().withMethod(Method.LINEAR).withLambdas(1e-10));
        // independent least squares on the same entered rows (EJML QR), all shared anchors as the final refit uses
        float[] xe = SpaceFrame.of(source, Preprocessing.DEFAULT).enterRows(source.matrix());
        float[] ye = SpaceFrame.of(target, Preprocessing.DEFAULT).enterRows(target.matrix());
        DMatrixRMaj a = new DMatrixRMaj(n, ds), rhs = new DMatrixRMaj(n, dt), w = new DMatrixRMaj(ds, dt);
        for (int i = 0; i < xe.length; i++) {
            a.data[i] = xe[i];
        }
        for (int i = 0; i < ye.length; i++) {
            rhs.data[i] = ye[i];
        }
        LinearSolverDense<DMatrixRMaj> qr = LinearSolverFactory_DDRM.leastSquares(n, ds);
        assertTrue(qr.setA(a));
        qr.solve(rhs, w);
        double err = TestData.maxAbsDiff(fit.linearTranslator().matrix(), w.data);
        assertTrue(err < 1e-4, "max |W_ridge - W_lstsq| = " + err);
    }
}
