package org.latentbridge.core.fit;

import org.junit.jupiter.api.Test;
import org.latentbridge.core.TestData;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.translate.Method;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CalibrationTests {

    @Test
    void recallCountsRelevantIdsInTheFirstK() {
        assertEquals(0.5, Calibration.recall(List.of("a", "b", "c"), Set.of("c", "z"), 3));
        assertEquals(0.0, Calibration.recall(List.of("a", "b", "c"), Set.of("c"), 2));
        assertThrows(IllegalArgumentException.class, () -> Calibration.recall(List.of("a"), Set.of(), 10));
    }

    @Test
    void aCandidateBetterOnEveryPairIsChosenAndItsGainSurvivesCrossValidation() {
        int pairs = 100;
        double[][] recall = new double[3][pairs];
        Random random = new Random(2);
        for (int p = 0; p < pairs; p++) {
            recall[0][p] = random.nextDouble() < 0.6 ? 1 : 0;
            recall[1][p] = Math.max(recall[0][p], random.nextDouble() < 0.5 ? 1 : 0); // never worse, often better
            recall[2][p] = random.nextDouble() < 0.3 ? 1 : 0;
        }
        Calibration.Outcome o = Calibration.choose(recall, 5, 0);
        assertEquals(1, o.chosen());
        assertTrue(o.recallAfter() > o.recallBefore() + 0.1, o.toString());
        assertEquals(o.recallChosen(), o.recallAfter(), 1e-12, "every fold chose candidate 1, so out-of-fold equals in-sample");
    }

    @Test
    void crossValidationRemovesTheOptimismOfPickingAmongNoise() {
        int pairs = 60, candidates = 40;
        double[][] recall = new double[candidates][pairs];
        Random random = new Random(4);
        for (double[] row : recall) {
            for (int p = 0; p < pairs; p++) {
                row[p] = random.nextDouble() < 0.5 ? 1 : 0; // every candidate is a coin: none is better
            }
        }
        Calibration.Outcome o = Calibration.choose(recall, 5, 0);
        // the best of 40 coins looks good in-sample; scored on folds it did not see, the gain disappears
        assertTrue(o.recallChosen() > 0.6, o.toString());
        assertTrue(o.recallAfter() < o.recallChosen() - 0.1, o.toString());
    }

    @Test
    void tiesKeepTheUncalibratedTranslatorAndTooFewPairsAreRefused() {
        double[][] same = new double[3][30];
        for (double[] row : same) {
            Arrays.fill(row, 0.5);
        }
        assertEquals(0, Calibration.choose(same, 5, 0).chosen());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Calibration.choose(new double[2][5], 5, 0));
        assertTrue(e.getMessage().contains("at least [20]"), e.getMessage());
    }

    @Test
    void candidatesStartWithTheFittedTranslatorAndCoverMeanWeightsAndKernelSettings() {
        Random random = new Random(8);
        int n = 300, d = 8;
        float[] x = TestData.gaussian(n, d, random);
        float[] y = TestData.times(x, d, TestData.orthogonal(d, d, random), d, 1);
        AnchorSet source = TestData.anchors(x, d), target = TestData.anchors(y, d);
        FitOptions orthogonal = FitOptions.defaults().withMethod(Method.ORTHOGONAL);
        FitResult fit = TranslatorFitter.fit(source, target, orthogonal);
        List<Calibration.Candidate> c = Calibration.candidates(fit, source, target, orthogonal);
        assertEquals(Calibration.MEAN_WEIGHTS.length, c.size());
        assertSame(fit.translator(), c.get(0).translator());
        assertEquals(fit.translator().target().preprocessing().meanWeight(), c.get(0).settings().get("mean_weight"));

        FitOptions kernel = FitOptions.defaults().withMethod(Method.ORTHOGONAL_KERNEL);
        FitResult kfit = TranslatorFitter.fit(source, target, kernel);
        List<Calibration.Candidate> k = Calibration.candidates(kfit, source, target, kernel);
        // the fitted settings plus one change of width or of regularisation at a time (2 + 2), each under every mean weight
        assertEquals(5 * Calibration.MEAN_WEIGHTS.length, k.size());
        assertSame(kfit.translator(), k.get(0).translator());
        assertEquals(k.size(), k.stream().map(Calibration.Candidate::settings).distinct().count(), "no candidate twice");
    }

    @Test
    void chooseRefusesNoCandidatesAndRaggedRecall() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> Calibration.choose(new double[0][], 5, 1));
        assertTrue(none.getMessage().contains("at least one candidate"), none.getMessage());
        double[][] ragged = {new double[Calibration.MIN_PAIRS], new double[Calibration.MIN_PAIRS - 1]};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Calibration.choose(ragged, 5, 1));
        assertTrue(e.getMessage().contains((Calibration.MIN_PAIRS - 1) + "!=" + Calibration.MIN_PAIRS), e.getMessage());
    }
}
