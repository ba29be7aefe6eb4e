package org.latentbridge.core.fit;

import org.junit.jupiter.api.Test;
import org.latentbridge.core.TestData;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.linalg.Vectors;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.Preprocessing;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoreCalibrationFitTests {

    /** Top-R rows of {@code q} queries: native scores {@code y}, translated {@code x = (y - shift) / stretch + noise}, sorted. */
    private static double[][][] gapped(int q, int ranks, double shift, double stretch, double noise, Random random) {
        double[][] x = new double[q][ranks], y = new double[q][ranks];
        for (int i = 0; i < q; i++) {
            double top = 0.85 + 0.1 * random.nextDouble();
            for (int r = 0; r < ranks; r++) {
                y[i][r] = top - 0.01 * r - 0.002 * random.nextDouble();
                x[i][r] = (y[i][r] - shift) / stretch + noise * random.nextGaussian();
            }
            Arrays.sort(x[i]);
            Arrays.sort(y[i]);
            reverse(x[i]);
            reverse(y[i]);
        }
        return new double[][][] {x, y};
    }

    private static void reverse(double[] a) {
        for (int i = 0, j = a.length - 1; i < j; i++, j--) {
            double t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    @Test
    void everyFormIsMonotoneInsideAndBeyondItsKnots() {
        Random random = new Random(3);
        double[][][] data = gapped(200, 20, 0.4, 0.7, 0.03, random);
        int[] rows = new int[200];
        Arrays.setAll(rows, i -> i);
        for (ScoreCalibration.Form form : new ScoreCalibration.Form[] {ScoreCalibration.Form.AFFINE, ScoreCalibration.Form.QUANTILE,
            ScoreCalibration.Form.ISOTONIC}) {
            double[][] knots = ScoreCalibrationFit.knots(form, data[0], data[1], rows);
            ScoreCalibration c = new ScoreCalibration(form, knots[0], knots[1], 20, 200, 0, 0);
            assertTrue(knots[0].length <= ScoreCalibrationFit.MAX_KNOTS, form + " has " + knots[0].length + " knots");
            double previous = Double.NEGATIVE_INFINITY;
            for (double x = -1.5; x <= 1.5; x += 0.001) {
                double y = c.apply(x);
                assertTrue(y >= previous, form + " falls at " + x + ": " + y + " < " + previous);
                previous = y;
            }
        }
        ScoreCalibration fitted = ScoreCalibrationFit.fit(data[0], data[1], 1);
        for (int i = 1; i < fitted.x().length; i++) {
            assertTrue(fitted.y()[i] >= fitted.y()[i - 1], fitted.toString());
        }
    }

    @Test
    void aRealScoreGapIsCalibratedAndItsHeldOutErrorReported() {
        double[][][] data = gapped(300, 20, 0.4, 0.6, 0.01, new Random(5));
        ScoreCalibration c = ScoreCalibrationFit.fit(data[0], data[1], 7);
        assertNotEquals(ScoreCalibration.Form.IDENTITY, c.form(), c.toString());
        assertEquals(300, c.queries());
        assertEquals(20, c.topRanks());
        // the native scores sit 0.07 to 0.2 above the translated ones (measured 0.132): the calibration removes most of it
        assertTrue(c.uncalibratedError() > 0.1, c.toString());
        assertTrue(c.heldOutError() < 0.05, c.toString());
        assertTrue(c.heldOutError() <= c.uncalibratedError(), c.toString());
    }

    @Test
    void matchingScoresGiveTheIdentityOrCloseToIt() {
        double[][][] data = gapped(100, 20, 0, 1, 0, new Random(9));
        ScoreCalibration c = ScoreCalibrationFit.fit(data[0], data[1], 1);
        assertEquals(ScoreCalibration.Form.IDENTITY, c.form(), "no form beats the identity by more than the tie: " + c);
        assertEquals(0, c.uncalibratedError(), 1e-12);
    }

    /**
     * Target = source times an orthogonal matrix, fitted without centring: translated cosines equal native ones, so the
     * calibration is the identity within 1e-3 (float rounding of the fitted rotation).
     */
    @Test
    void anExactlyRotatedPairIsCalibratedToTheIdentity() {
        Random random = new Random(11);
        int n = 400, d = 12;
        float[] source = TestData.gaussian(n, d, random);
        float[] target = TestData.times(source, d, TestData.orthogonal(d, d, random), d, 1);
        FitResult fit = TranslatorFitter.fit(TestData.anchors(source, d), TestData.anchors(target, d), FitOptions.defaults()
            .withMethod(Method.ORTHOGONAL).withPreprocessing(new Preprocessing(false, false, true, 0.5)).withParallelism(1));
        ScoreCalibration c = fit.calibration();
        assertEquals(50, c.queries(), c.toString());
        assertTrue(c.uncalibratedError() < 1e-4, c.toString());
        for (double x = -1; x <= 1; x += 0.01) {
            assertEquals(x, c.apply(x), 1e-3, c.toString());
        }
    }

    @Test
    void aFitRefusesTooFewQueriesAndScoresWithoutSpread() {
        double[][][] few = gapped(ScoreCalibrationFit.MIN_QUERIES - 1, 20, 0.3, 1, 0.01, new Random(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScoreCalibrationFit.fit(few[0], few[1], 1));
        assertTrue(e.getMessage().contains("at least [20] held-out queries, got [19]"), e.getMessage());

        double[][] flat = new double[40][20], varied = gapped(40, 20, 0, 1, 0, new Random(2))[1];
        for (double[] row : flat) {
            Arrays.fill(row, 0.5);
        }
        e = assertThrows(IllegalArgumentException.class, () -> ScoreCalibrationFit.fit(flat, varied, 1));
        assertTrue(e.getMessage().contains("translated similarities of the held-out queries have no spread"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScoreCalibrationFit.fit(varied, flat, 1));
        assertTrue(e.getMessage().contains("native similarities"), e.getMessage());
    }

    /** A translator fit never fails for its calibration: too few held-out anchors leave the identity and a warning. */
    @Test
    void aFitWithTooFewHeldOutAnchorsStoresTheIdentityAndWarns() {
        Random random = new Random(13);
        int n = 30, d = 4;
        float[] source = TestData.gaussian(n, d, random);
        float[] target = TestData.times(source, d, TestData.orthogonal(d, d, random), d, 1);
        FitResult fit = TranslatorFitter.fit(TestData.anchors(source, d), TestData.anchors(target, d),
            FitOptions.defaults().withMethod(Method.ORTHOGONAL).withParallelism(1));
        assertEquals(ScoreCalibration.IDENTITY, fit.calibration());
        assertTrue(fit.diagnostics().warnings().stream().anyMatch(w -> w.startsWith("no score calibration")
            && w.contains("at least [20] held-out queries")), fit.diagnostics().warnings().toString());
        assertTrue(fit.diagnostics().warnings().stream().anyMatch(w -> w.startsWith("no document correction")),
            fit.diagnostics().warnings().toString());
        assertEquals(fit.translator(), fit.translatorForDocuments());
    }

    @Test
    void topCosinesLeaveTheQueryItselfOutAndSortDescending() {
        Random random = new Random(17);
        int n = 60, d = 5;
        float[] bank = TestData.gaussian(n, d, random);
        float[] queries = Arrays.copyOf(bank, 10 * d);
        int[] self = new int[10];
        Arrays.setAll(self, i -> i);
        double[][] top = ScoreCalibrationFit.topCosines(queries, self, bank, d, 7, 1);
        for (int i = 0; i < 10; i++) {
            double[] all = new double[n - 1];
            float[] q = Arrays.copyOfRange(bank, i * d, (i + 1) * d);
            for (int j = 0, k = 0; j < n; j++) {
                if (j != i) {
                    all[k++] = Vectors.cosine(q, Arrays.copyOfRange(bank, j * d, (j + 1) * d));
                }
            }
            Arrays.sort(all);
            reverse(all);
            assertArrayEquals(Arrays.copyOf(all, 7), top[i], 1e-5);
        }
    }

    /** A pair the query map already serves (an exact rotation): documents are found as well without a correction, none applied. */
    @Test
    void anExactlyRotatedPairNeedsNoDocumentCorrection() {
        Random random = new Random(23);
        int n = 300, d = 16;
        float[] source = TestData.gaussian(n, d, random);
        float[] target = TestData.times(source, d, TestData.orthogonal(d, d, random), d, 1);
        FitResult fit = TranslatorFitter.fit(TestData.anchors(source, d), TestData.anchors(target, d),
            FitOptions.defaults().withMethod(Method.ORTHOGONAL).withParallelism(1));
        DocumentCorrection c = fit.documents();
        assertEquals(1, c.mrrBefore(), 1e-9, c.toMap().toString());
        assertTrue(c.applied() == false, c.toMap().toString());
        assertEquals(null, fit.documentTranslator());
        assertEquals(fit.translator(), fit.translatorForDocuments());
    }

    /**
     * More anchors than {@link ScoreCalibrationFit#MAX_BANK}, half of them held out: the fits compare at most
     * {@link ScoreCalibrationFit#MAX_QUERIES} queries with a sample of the anchors, and each query must still be left out
     * of its own comparison (its own native vector in the bank would outrank its exactly translated document: MRR 0.5).
     */
    @Test
    void beyondTheBankEachQueryIsLeftOutOfItsOwnComparison() {
        Random random = new Random(29);
        int n = ScoreCalibrationFit.MAX_BANK + 500, d = 8;
        float[] source = TestData.gaussian(n, d, random);
        float[] target = TestData.times(source, d, TestData.orthogonal(d, d, random), d, 1);
        FitResult fit = TranslatorFitter.fit(TestData.anchors(source, d), TestData.anchors(target, d), FitOptions.defaults()
            .withMethod(Method.ORTHOGONAL).withPreprocessing(new Preprocessing(false, false, true, 0.5)).withHoldout(0.5)
            .withParallelism(1));
        ScoreCalibration c = fit.calibration();
        assertEquals(ScoreCalibrationFit.MAX_QUERIES, c.queries(), c.toString());
        assertTrue(c.uncalibratedError() < 1e-4, c.toString());
        DocumentCorrection documents = fit.documents();
        assertEquals(DocumentCorrection.MAX_DOCUMENTS, documents.documents(), documents.toMap().toString());
        assertEquals(1, documents.mrrBefore(), 1e-9, documents.toMap().toString());
        assertTrue(documents.applied() == false, documents.toMap().toString());
    }

    /** Documents translated by a noisy map score below native ones; the correction closes most of the gap. */
    @Test
    void theDocumentCorrectionClosesTheTopSimilarityGap() {
        Random random = new Random(19);
        int n = 600, d = 16;
        float[] source = TestData.gaussian(n, d, random);
        float[] target = TestData.times(source, d, TestData.orthogonal(d, d, random), d, 1);
        float[] offset = new float[d];
        for (int j = 0; j < d; j++) {
            offset[j] = 2f * (float) random.nextGaussian(); // an anisotropic target: every vector shares a large mean
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                target[i * d + j] += offset[j] + 0.8f * (float) random.nextGaussian(); // the part the source cannot predict
            }
        }
        AnchorSet s = TestData.anchors(source, d), t = TestData.anchors(target, d);
        FitResult fit = TranslatorFitter.fit(s, t, FitOptions.defaults().withMethod(Method.ORTHOGONAL).withParallelism(1));
        DocumentCorrection c = fit.documents();
        assertEquals(Method.LINEAR, c.method());
        assertTrue(c.applied(), "held-out documents are found better with the correction: " + c.toMap());
        assertTrue(c.gapBefore() < -0.01, c.toMap().toString());
        assertTrue(Math.abs(c.gapAfter()) < Math.abs(c.gapBefore()) / 2, c.toMap().toString());
        assertTrue(c.meanWeight() >= 0 && c.meanWeight() <= Preprocessing.MAX_MEAN_WEIGHT, c.toMap().toString());
        assertEquals(c.meanWeight(), fit.documentTranslator().target().preprocessing().meanWeight(), 0);
        assertEquals(0.5, fit.translator().target().preprocessing().meanWeight(), 0, "queries keep the fit's own weight");
        assertEquals(c, DocumentCorrection.fromMap(c.toMap()));
        assertEquals(fit.calibration(), ScoreCalibration.fromMap(fit.calibration().toMap()));
    }
}
