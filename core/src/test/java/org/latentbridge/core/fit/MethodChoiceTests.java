package org.latentbridge.core.fit;

import org.junit.jupiter.api.Test;
import org.latentbridge.core.metrics.HeldOutMetrics;
import org.latentbridge.core.translate.Method;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        assertEquals(Method.LINEAR, TranslatorFitter.choose(m));
    }

    @Test
    void tiedMrrGoesToTheMoreConstrainedMapWhateverTheMeanCosine() {
        Map<Method, HeldOutMetrics> m = new LinkedHashMap<>();
        m.put(Method.AFFINE, mrr(1.0, 0.72));
        m.put(Method.INVERSE_RELATIVE, mrr(1.0, 0.52));
        m.put(Method.ORTHOGONAL, mrr(0.998, 0.64));
        m.put(Method.LINEAR, mrr(1.0, 0.72));
        assertEquals(Method.ORTHOGONAL, TranslatorFitter.choose(m));
        m.remove(Method.ORTHOGONAL);
        assertEquals(Method.LINEAR, TranslatorFitter.choose(m));
    }
}
