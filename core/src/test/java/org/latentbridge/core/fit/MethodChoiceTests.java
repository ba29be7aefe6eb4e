package org.latentbridge.core.fit;

import org.junit.jupiter.api.Test;
import org.latentbridge.core.metrics.HeldOutMetrics;
import org.latentbridge.core.translate.Method;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@code auto} picks among candidates. */
class MethodChoiceTests {

    private static HeldOutMetrics mrr(double mrr, double meanCosine) {
        return new HeldOutMetrics(meanCosine, mrr, 1, mrr, 0.5, 100);
    }

    @Test
    void aClearlyBetterMrrWins() {
        Map<Method, HeldOutMetrics> m = new LinkedHashMap<>();
        m.put(Method.ORTHOGONAL, mrr(0.90, 0.6));
        m.put(Method.LINEAR, mrr(0.95, 0.7));
        assertEquals(Method.LINEAR, TranslatorFitter.choose(m, true));
    }

    @Test
    void tiedMrrGoesToTheMoreConstrainedMapWhateverTheMeanCosine() {
        Map<Method, HeldOutMetrics> m = new LinkedHashMap<>();
        m.put(Method.AFFINE, mrr(1.0, 0.72));
        m.put(Method.INVERSE_RELATIVE, mrr(1.0, 0.52));
        m.put(Method.ORTHOGONAL, mrr(0.998, 0.64));
        m.put(Method.LINEAR, mrr(1.0, 0.72));
        assertEquals(Method.ORTHOGONAL, TranslatorFitter.choose(m, true));
        m.remove(Method.ORTHOGONAL);
        assertEquals(Method.LINEAR, TranslatorFitter.choose(m, true));
    }

    private static HeldOutMetrics agreeing(double mrr, double agreement) {
        return new HeldOutMetrics(0.6, mrr, 1, mrr, agreement, 100);
    }

    @Test
    void contrastiveReplacesOrthogonalWhenItLearntAndKeepsTheMrr() {
        Map<Method, HeldOutMetrics> m = new LinkedHashMap<>();
        m.put(Method.ORTHOGONAL, agreeing(1.0, 0.60));
        m.put(Method.LINEAR, agreeing(1.0, 0.70));
        m.put(Method.CONTRASTIVE, agreeing(0.998, 0.55));
        assertEquals(Method.CONTRASTIVE, TranslatorFitter.choose(m, true), "mrr within the tie; agreement does not decide");
        assertEquals(Method.ORTHOGONAL, TranslatorFitter.choose(m, false), "a run that kept its start is orthogonal");
        m.put(Method.CONTRASTIVE, agreeing(0.99, 0.70));
        assertEquals(Method.ORTHOGONAL, TranslatorFitter.choose(m, true), "mrr lower by more than the tie");
        m.put(Method.CONTRASTIVE, agreeing(1.0, 0.70));
        m.put(Method.ORTHOGONAL, new HeldOutMetrics(0.995, 1, 1, 1, 0.6, 100));
        assertEquals(Method.ORTHOGONAL, TranslatorFitter.choose(m, true), "a pair the rotation maps exactly keeps the rotation");
    }

    @Test
    void contrastiveOnlyReplacesOrthogonal() {
        Map<Method, HeldOutMetrics> m = new LinkedHashMap<>();
        m.put(Method.ORTHOGONAL, agreeing(0.90, 0.60));
        m.put(Method.LINEAR, agreeing(0.95, 0.60));
        m.put(Method.CONTRASTIVE, agreeing(0.90, 0.65));
        assertEquals(Method.LINEAR, TranslatorFitter.choose(m, true), "a clearly better closed-form map still wins");
    }

    @Test
    void theKernelMustBeatTheContrastiveChoiceByItsMargin() {
        Map<Method, HeldOutMetrics> m = new LinkedHashMap<>();
        m.put(Method.ORTHOGONAL, agreeing(0.90, 0.60));
        m.put(Method.CONTRASTIVE, agreeing(0.93, 0.65));
        m.put(Method.ORTHOGONAL_KERNEL, agreeing(0.935, 0.66));
        assertEquals(Method.CONTRASTIVE, TranslatorFitter.choose(m, true));
        m.put(Method.ORTHOGONAL_KERNEL, agreeing(0.945, 0.66));
        assertEquals(Method.ORTHOGONAL_KERNEL, TranslatorFitter.choose(m, true));
    }

    @Test
    void autoSpendsABoundedBudgetOnContrastive() {
        ContrastiveSettings asked = ContrastiveSettings.DEFAULT;
        ContrastiveSettings small = TranslatorFitter.autoBudget(asked, 64, 64);
        assertEquals(asked, small, "small shapes run the whole budget");
        ContrastiveSettings large = TranslatorFitter.autoBudget(asked, 768, 768);
        assertEquals(0, large.maxSteps() % ContrastiveSettings.CHECK_EVERY);
        assertTrue(large.maxSteps() >= ContrastiveSettings.CHECK_EVERY && large.maxSteps() < asked.maxSteps(), large.toString());
        double spent = large.maxSteps() * ContrastiveFit.multiplyAddsPerStep(asked.batchSize(), 768, 768);
        assertTrue(spent <= TranslatorFitter.AUTO_CONTRASTIVE_MULTIPLY_ADDS, "spent " + spent);
        assertEquals(asked.temperature(), large.temperature());
        assertEquals(asked.learningRate(), large.learningRate());
        FitOptions auto = FitOptions.defaults();
        assertTrue(TranslatorFitter.autoAffordsContrastive(auto, 384, 384));
        assertTrue(TranslatorFitter.autoAffordsContrastive(auto, 768, 768));
        assertFalse(TranslatorFitter.autoAffordsContrastive(auto, 1024, 1024), "200 steps at 1,024 dimensions are not worth auto's time");
        assertTrue(TranslatorFitter.autoAffordsContrastive(auto.withContrastive(new ContrastiveSettings(200, 0.05, 1e-4, 256)), 1024,
            1024), "a smaller asked budget is affordable whole");
        assertFalse(TranslatorFitter.autoAffordsContrastive(auto.withContrastive(new ContrastiveSettings(0, 0.05, 1e-4, 256)), 64, 64),
            "no steps, no candidate");
    }
}
