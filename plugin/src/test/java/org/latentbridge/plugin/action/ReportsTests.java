package org.latentbridge.plugin.action;

import org.junit.jupiter.api.Test;
import org.latentbridge.core.metrics.HeldOutMetrics;
import org.latentbridge.core.translate.Method;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The API shape of the held-out metrics in the fit report and in a {@code min_quality} refusal. */
class ReportsTests {

    @Test
    @SuppressWarnings("unchecked")
    void everyMethodShowsEveryHeldOutMetricAndTheHeldOutCount() {
        Map<Method, HeldOutMetrics> metrics = new LinkedHashMap<>();
        metrics.put(Method.ORTHOGONAL, new HeldOutMetrics(0.71, 1.0, 1.0, 1.0, 0.43, 150));
        metrics.put(Method.LINEAR, new HeldOutMetrics(0.74, 0.99, 1.0, 0.995, 0.37, 150));
        Map<String, Object> shown = Reports.allMetrics(metrics);
        assertEquals(List.of("orthogonal", "linear"), List.copyOf(shown.keySet()));
        Map<String, Object> orthogonal = (Map<String, Object>) shown.get("orthogonal");
        assertEquals(List.of("mean_cosine", "top1", "top10", "mrr", "neighbour_agreement", "held_out"), List.copyOf(orthogonal.keySet()));
        assertEquals(0.43, orthogonal.get("neighbour_agreement"));
        assertEquals(150, orthogonal.get("held_out"));
        assertEquals(0.37, ((Map<String, Object>) shown.get("linear")).get("neighbour_agreement"));
        for (String name : HeldOutMetrics.NAMES) {
            assertEquals(metrics.get(Method.LINEAR).get(name), ((Map<String, Object>) shown.get("linear")).get(name), name);
        }
    }
}
