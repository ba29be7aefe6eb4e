package org.latentbridge.core.fit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentbridge.core.TestData;
import org.latentbridge.core.anchor.AnchorDiagnostics;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.anchor.AnchorStatistics;
import org.latentbridge.core.linalg.Vectors;
import org.latentbridge.core.translate.LinearTranslator;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.Preprocessing;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values near the float32 limit (1e37 to 3e38) and in the subnormal range (1e-38 and below): scale-equivariant maps
 * give the scaled result, statistics and diagnostics stay finite and scale as they should, and whatever cannot be
 * represented is refused by name. (Every translator's contract also runs extreme queries and anchors.)
 */
class ExtremeScaleTests {
    /**
     * A rotation of a float vector, against the same rotation computed in double from the same float input: the
     * translation rounds the (power-of-two scaled) input and the product once each to float, about 1e-7 relative.
     */
    private static final double ROTATION_TOLERANCE = 1e-5;
    /** Statistics and spectra of scaled anchors against the unscaled ones: float rounding of the scaled anchors. */
    private static final double STATISTICS_TOLERANCE = 1e-5;
    /** In the subnormal range, float keeps about 1.4e-45 absolute: anchors at 1e-38 keep about 5 digits. */
    private static final double SUBNORMAL_TOLERANCE = 1e-3;

    private static final Preprocessing RAW = new Preprocessing(false, false, false, 0);

    /** An orthogonal translator on raw vectors (no centring, no normalisation): translate(s x) = s translate(x). */
    private static LinearTranslator rawRotation() {
        Random random = new Random(21);
        int n = 200, d = 16;
        float[] x = TestData.gaussian(n, d, random);
        double[] q = TestData.orthogonal(d, d, random);
        FitResult fit = TranslatorFitter.fit(TestData.anchors(x, d), TestData.anchors(TestData.times(x, d, q, d, 1.0), d),
            FitOptions.defaults().withMethod(Method.ORTHOGONAL).withPreprocessing(RAW));
        return fit.linearTranslator();
    }

    @ParameterizedTest
    @ValueSource(doubles = {1e37, 1e38, 3e38, 1e-38, 1e-42})
    void aRotationOfAScaledVectorIsTheScaledRotation(double scale) {
        LinearTranslator t = rawRotation();
        int d = t.sourceDims();
        Random random = new Random(8);
        for (int trial = 0; trial < 5; trial++) {
            float[] q = TranslatorContract.scaledTo(TestData.gaussian(1, d, random), scale);
            double[] expected = new double[d];
            boolean representable = true;
            for (int j = 0; j < d; j++) {
                for (int i = 0; i < d; i++) {
                    expected[j] += (double) q[i] * t.matrix()[i * d + j];
                }
                representable &= Math.abs(expected[j]) < Float.MAX_VALUE * (1 - 1e-6);
            }
            if (representable == false) {
                // some component of the rotated vector is beyond float: refused, naming the component
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.translate(q, false));
                assertTrue(e.getMessage().contains("beyond the float32 range at ["), e.getMessage());
                continue;
            }
            float[] out = t.translate(q, false);
            double norm = Vectors.norm(expected), error = 0;
            for (int j = 0; j < d; j++) {
                error = Math.max(error, Math.abs(out[j] - expected[j]));
            }
            double tolerance = scale < 1e-37 ? Math.max(ROTATION_TOLERANCE * norm, 16 * Float.MIN_VALUE) : ROTATION_TOLERANCE * norm;
            assertTrue(error <= tolerance, "scale " + scale + ": max error " + error + " against a norm of " + norm);
            // unit length is always representable, and points the same way
            float[] unit = t.translate(q, true);
            for (int j = 0; j < d; j++) {
                assertEquals(expected[j] / norm, unit[j], scale < 1e-37 ? SUBNORMAL_TOLERANCE : ROTATION_TOLERANCE);
            }
        }
    }

    @Test
    void aFitOnRawHugeAnchorsIsRefusedByName() {
        Random random = new Random(2);
        int n = 100, d = 8;
        float[] x = TranslatorContract.scaled(TestData.gaussian(n, d, random), 1e37);
        AnchorSet source = TestData.anchors(x, d), target = TestData.anchors(TestData.gaussian(n, d, random), d);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> TranslatorFitter.fit(source, target, FitOptions.defaults().withMethod(Method.LINEAR).withPreprocessing(RAW)));
        assertTrue(e.getMessage().contains("the source anchor [") && e.getMessage().contains("after preprocessing"), e.getMessage());
        // normalised (the default), the same anchors fit
        assertTrue(Double.isFinite(TranslatorFitter.fit(source, target, FitOptions.defaults().withMethod(Method.LINEAR))
            .chosenMetrics().mrr()));
    }

    @ParameterizedTest
    @ValueSource(doubles = {1e37, 3e38, 1e-30, 1e-38})
    void statisticsAndDiagnosticsOfScaledAnchorsAreTheScaledOnes(double scale) {
        Random random = new Random(13);
        int n = 120, d = 24;
        float[] base = TestData.gaussian(n, d, random);
        // the largest component at `scale` (3e38 is near the float limit)
        float[] m = TranslatorContract.scaledTo(base, scale);
        double factor = scale / maxAbs(base);
        AnchorSet plain = TestData.anchors(base, d), scaled = TestData.anchors(m, d);
        double tolerance = scale < 1e-37 ? SUBNORMAL_TOLERANCE : STATISTICS_TOLERANCE;

        AnchorStatistics s = AnchorStatistics.of(scaled), p = AnchorStatistics.of(plain);
        assertRelative(p.meanCenteredNorm() * factor, s.meanCenteredNorm(), tolerance, "mean centred norm");
        assertRelative(p.meanStandardizedNorm(), s.meanStandardizedNorm(), tolerance, "mean standardised norm");
        for (int j = 0; j < d; j++) {
            assertRelative(p.std()[j] * factor, s.std()[j], tolerance, "std[" + j + "]");
            assertTrue(Float.isFinite(s.mean()[j]), "mean[" + j + "]");
        }

        AnchorDiagnostics ds = AnchorDiagnostics.of(scaled, 1), dp = AnchorDiagnostics.of(plain, 1);
        assertRelative(dp.conditionNumber(), ds.conditionNumber(), tolerance, "condition number");
        assertRelative(dp.effectiveRank(), ds.effectiveRank(), tolerance, "effective rank");
        assertEquals(dp.numericalRank(), ds.numericalRank());
        assertEquals(dp.similarityCompression(), ds.similarityCompression(), tolerance, "similarity compression");
    }

    @Test
    void mixedHugeAndTinyAnchorsHaveFiniteStatisticsAndDiagnostics() {
        Random random = new Random(17);
        int n = 80, d = 12;
        AnchorSet mixed = TranslatorContract.mixed(TestData.anchors(TestData.gaussian(n, d, random), d));
        AnchorStatistics s = AnchorStatistics.of(mixed);
        assertTrue(Double.isFinite(s.meanCenteredNorm()) && Double.isFinite(s.meanStandardizedNorm()), s.toString());
        for (int j = 0; j < d; j++) {
            assertTrue(Float.isFinite(s.mean()[j]) && Float.isFinite(s.std()[j]) && s.std()[j] > 0, "column " + j);
        }
        AnchorDiagnostics diagnostics = AnchorDiagnostics.of(mixed, 1);
        assertTrue(Double.isFinite(diagnostics.conditionNumber()) && Double.isFinite(diagnostics.effectiveRank())
            && Double.isFinite(diagnostics.similarityCompression()), diagnostics.toString());
        // the tiny half is the zero vector to within 1e-75 of the huge half: the centred anchors span what the huge half spans
        assertTrue(diagnostics.numericalRank() <= d, diagnostics.toString());
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static void assertRelative(double expected, double actual, double tolerance, String what) {
        assertTrue(Double.isFinite(actual), what + " is " + actual);
        assertTrue(Math.abs(actual - expected) <= tolerance * Math.abs(expected), what + ": expected " + expected + " but got " + actual);
    }
}
