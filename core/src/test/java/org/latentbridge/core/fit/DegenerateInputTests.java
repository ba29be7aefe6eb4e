package org.latentbridge.core.fit;

import org.junit.jupiter.api.Test;
import org.latentbridge.core.TestData;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.translate.KernelTranslator;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.Preprocessing;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Degenerate anchors and options: a clear exception or a finite, flagged result, never a silent NaN. */
class DegenerateInputTests {

    private static void assertMessage(IllegalArgumentException e, String fragment) {
        assertTrue(e.getMessage().contains(fragment), "message [" + e.getMessage() + "] lacks [" + fragment + "]");
    }

    private static void assertFinite(FitResult fit) {
        float[] values = fit.translator() instanceof KernelTranslator k ? k.coefficients()
            : fit.linearTranslator().matrix();
        for (float v : values) {
            assertTrue(Float.isFinite(v));
        }
        fit.metrics().values().forEach(m -> assertTrue(Double.isFinite(m.mrr()) && Double.isFinite(m.meanCosine())));
    }

    @Test
    void anchorValidationNamesTheProblem() {
        List<String> ids = List.of("a", "b");
        assertMessage(assertThrows(IllegalArgumentException.class,
            () -> AnchorSet.of(3, ids, List.of(new float[] {1, 2, 3}, new float[] {1, Float.NaN, 3}))), "non-finite value at [1]");
        assertMessage(assertThrows(IllegalArgumentException.class,
            () -> AnchorSet.of(3, ids, List.of(new float[] {1, 2, 3}, new float[] {1, Float.POSITIVE_INFINITY, 3}))), "non-finite");
        assertMessage(assertThrows(IllegalArgumentException.class,
            () -> AnchorSet.of(3, ids, List.of(new float[] {1, 2, 3}, new float[] {0, 0, 0}))), "anchor [b]) is a zero vector");
        assertMessage(assertThrows(IllegalArgumentException.class,
            () -> AnchorSet.of(3, ids, List.of(new float[] {1, 2, 3}, new float[] {1, 2}))), "expected [3] but got [2]");
        assertMessage(assertThrows(IllegalArgumentException.class,
            () -> AnchorSet.of(3, List.of("a", "a"), List.of(new float[] {1, 2, 3}, new float[] {3, 2, 1}))), "duplicate id [a]");
        assertMessage(assertThrows(IllegalArgumentException.class,
            () -> AnchorSet.of(3, ids, List.of(new float[] {1, 2, 3}))), "[2] ids and [1] vectors");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> AnchorSet.of(3, List.of(), List.of())), "must not be empty");
        assertMessage(assertThrows(IllegalArgumentException.class,
            () -> AnchorSet.of(3, List.of(" "), List.of(new float[] {1, 2, 3}))), "non-blank");
        // ids are measured in UTF-8 bytes: 171 three-byte characters (513 bytes) are too long, 170 (510 bytes) fit
        String tooLong = "\u20ac".repeat(171), fits = "\u20ac".repeat(170);
        assertMessage(assertThrows(IllegalArgumentException.class,
            () -> AnchorSet.of(3, List.of(tooLong), List.of(new float[] {1, 2, 3}))), "longer than [512] bytes");
        assertEquals(fits, AnchorSet.of(3, List.of(fits), List.of(new float[] {1, 2, 3})).ids().get(0));
    }

    @Test
    void aSingleSharedAnchorIsTooFew() {
        AnchorSet s = AnchorSet.of(2, List.of("a"), List.of(new float[] {1, 2}));
        AnchorSet t = AnchorSet.of(2, List.of("a"), List.of(new float[] {2, 1}));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> TranslatorFitter.fit(s, t, FitOptions.defaults())),
            "share [1] anchors; a translator needs at least [10]");
    }

    @Test
    void modelsWithDifferentIdsShareNothing() {
        Random random = new Random(1);
        AnchorSet s = TestData.anchors(TestData.gaussian(50, 8, random), 8);
        String[] otherIds = new String[50];
        Arrays.setAll(otherIds, i -> "other-" + i);
        AnchorSet t = AnchorSet.ofMatrix(8, otherIds, TestData.gaussian(50, 8, random));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> TranslatorFitter.fit(s, t, FitOptions.defaults())),
            "share [0] anchors");
    }

    @Test
    void identicalAnchorsHaveNothingToFit() {
        float[] same = new float[30 * 4];
        for (int i = 0; i < same.length; i++) {
            same[i] = 1 + i % 4;
        }
        Random random = new Random(2);
        AnchorSet s = TestData.anchors(same, 4), t = TestData.anchors(TestData.gaussian(30, 4, random), 4);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> TranslatorFitter.fit(s, t, FitOptions.defaults())),
            "source are all the same vector");
    }

    @Test
    void rankDeficientAnchorsFitFiniteAndAreFlagged() {
        Random random = new Random(3);
        int n = 200, d = 16, rank = 3;
        float[] basis = TestData.gaussian(rank, d, random);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < rank; r++) {
                float c = (float) random.nextGaussian();
                for (int j = 0; j < d; j++) {
                    x[i * d + j] += c * basis[r * d + j];
                }
            }
        }
        AnchorSet s = TestData.anchors(x, d), t = TestData.anchors(TestData.gaussian(n, d, random), d);
        FitResult fit = TranslatorFitter.fit(s, t, FitOptions.defaults());
        assertFinite(fit);
        assertTrue(fit.diagnostics().warnings().stream().anyMatch(w -> w.startsWith("rank-deficient")), fit.diagnostics().toString());
        assertEquals(rank, fit.diagnostics().numericalRank());
        assertTrue(Double.isFinite(fit.diagnostics().conditionNumber()));
    }

    @Test
    void duplicatedAnchorsUnderDifferentIdsFitFinite() {
        Random random = new Random(4);
        int n = 60, d = 8;
        float[] x = TestData.gaussian(n, d, random), y = TestData.gaussian(n, d, random);
        float[] x2 = new float[2 * n * d], y2 = new float[2 * n * d];
        System.arraycopy(x, 0, x2, 0, x.length);
        System.arraycopy(x, 0, x2, x.length, x.length);
        System.arraycopy(y, 0, y2, 0, y.length);
        System.arraycopy(y, 0, y2, y.length, y.length);
        for (Method m : new Method[] {Method.ORTHOGONAL, Method.LINEAR, Method.AFFINE, Method.INVERSE_RELATIVE}) {
            assertFinite(TranslatorFitter.fit(TestData.anchors(x2, d), TestData.anchors(y2, d), FitOptions.defaults().withMethod(m)));
        }
    }

    @Test
    void fewerAnchorsThanDimensionsFitFiniteAndWarn() {
        Random random = new Random(5);
        int n = 20, d = 64;
        FitResult fit = TranslatorFitter.fit(TestData.anchors(TestData.gaussian(n, d, random), d),
            TestData.anchors(TestData.gaussian(n, d, random), d), FitOptions.defaults());
        assertFinite(fit);
        assertTrue(fit.diagnostics().warnings().stream().anyMatch(w -> w.startsWith("n < d")));
    }

    @Test
    void translatingBadVectorsIsRefused() {
        Random random = new Random(6);
        int n = 100, d = 8;
        var t = TranslatorFitter.fit(TestData.anchors(TestData.gaussian(n, d, random), d),
            TestData.anchors(TestData.gaussian(n, d, random), d), FitOptions.defaults()).translator();
        assertMessage(assertThrows(IllegalArgumentException.class, () -> t.translate(new float[7], false)), "expected [8] but got [7]");
        float[] nan = new float[8];
        nan[3] = Float.NaN;
        assertMessage(assertThrows(IllegalArgumentException.class, () -> t.translate(nan, false)), "non-finite value at [3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> t.translate(new float[8], false)), "zero vector");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> t.translateAll(new float[][] {new float[8], new float[3]}, false)),
            "[vectors][0]");
    }

    @Test
    void badOptionsAreRefused() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> FitOptions.defaults().withHoldout(0)),
            "[holdout] must be in (0, 0.5]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> FitOptions.defaults().withHoldout(0.6)), "[holdout]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> FitOptions.defaults().withLambdas(0)), "never unregularised");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> FitOptions.defaults().withMinQuality(Map.of("top3", 0.5))),
            "unknown metric [top3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> FitOptions.defaults().withMethod(Method.RELATIVE)),
            "projection");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Method.fromApiName("procrustes")), "unknown method [procrustes]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Preprocessing.checkUserMeanWeight(1.5)),
            "[preprocess.mean_weight] must be within [0, 1]");
        assertEquals(1.5, new Preprocessing(true, false, true, 1.5).meanWeight(), 0, "a document correction may weigh more than 1");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new Preprocessing(true, false, true, 4.5)), "mean_weight");
        Random random = new Random(7);
        AnchorSet a = TestData.anchors(TestData.gaussian(40, 4, random), 4);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> TranslatorFitter.fit(a, a, FitOptions.defaults()
            .withMethod(Method.INVERSE_RELATIVE).withPreprocessing(new Preprocessing(true, false, false, 1)))),
            "needs [preprocess.normalize]");
    }

    @Test
    void minQualityRefusesAWeakFitAndCarriesTheMetrics() {
        Random random = new Random(8);
        int n = 200, d = 16;
        AnchorSet s = TestData.anchors(TestData.gaussian(n, d, random), d), t = TestData.anchors(TestData.gaussian(n, d, random), d);
        QualityGateException e = assertThrows(QualityGateException.class,
            () -> TranslatorFitter.fit(s, t, FitOptions.defaults().withMinQuality(Map.of("top1", 0.5))));
        assertMessage(e, "top1");
        assertEquals(6, e.metrics().size(), "every candidate's metrics come with the refusal");
        assertTrue(e.metrics().get(e.method()).top1() < 0.5);
    }

    @Test
    void cancellationStopsTheFit() {
        Random random = new Random(9);
        AnchorSet a = TestData.anchors(TestData.gaussian(100, 8, random), 8);
        assertThrows(CancellationException.class,
            () -> TranslatorFitter.fit(a, a, FitOptions.defaults().withCancellation(() -> true)));
    }
}
