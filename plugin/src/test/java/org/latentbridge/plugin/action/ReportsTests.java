package org.latentbridge.plugin.action;

import org.junit.jupiter.api.Test;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.fit.ContrastiveSettings;
import org.latentbridge.core.fit.FitOptions;
import org.latentbridge.core.fit.FitResult;
import org.latentbridge.core.fit.TranslatorFitter;
import org.latentbridge.core.metrics.HeldOutMetrics;
import org.latentbridge.core.translate.Method;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fit report's shape: the held-out metrics (also those of a {@code min_quality} refusal), and the parts a method adds,
 * only when it was fitted.
 */
class ReportsTests {
    private static final int DIMS = 8, N = 240;

    /** A noisy rotation between two spaces of {@link #DIMS} dimensions, fitted with {@code options}. */
    private static FitResult fit(FitOptions options) {
        Random random = new Random(5);
        List<String> ids = new ArrayList<>();
        List<float[]> source = new ArrayList<>(), target = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            float[] x = WireTesting.randomVectors(random, 1, DIMS)[0], y = new float[DIMS];
            for (int j = 0; j < DIMS; j++) {
                y[(j + 3) % DIMS] = x[j] + 0.2f * (float) random.nextGaussian() + 0.3f * x[j] * x[(j + 1) % DIMS];
            }
            ids.add("a" + i);
            source.add(x);
            target.add(y);
        }
        return TranslatorFitter.fit(AnchorSet.of(DIMS, ids, source), AnchorSet.of(DIMS, ids, target), options.withParallelism(1));
    }

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

    @Test
    void aContrastiveRunIsReportedWithItsSettingsAndWhereItStopped() {
        FitOptions options = FitOptions.defaults().withMethod(Method.ORTHOGONAL).withSeed(3);
        FitResult orthogonal = fit(options);
        ContrastiveSettings settings = new ContrastiveSettings(1200, 0.07, 2e-4, 64);
        FitResult.ContrastiveRun run = new FitResult.ContrastiveRun(settings, 400, 500, 2.75, 2.5);
        FitResult contrastive = new FitResult(orthogonal.translator(), Method.CONTRASTIVE, orthogonal.metrics(), orthogonal.lambdas(), null,
            null, orthogonal.diagnostics(), orthogonal.sharedAnchors(), orthogonal.fitAnchors(), orthogonal.heldOut(),
            orthogonal.tookMillis(), orthogonal.calibration(), orthogonal.documents(), orthogonal.documentTranslator(), run);

        Map<String, Object> report = Reports.fit(contrastive, contrastive.translator(), null, options.withContrastive(settings));
        assertEquals("contrastive", report.get("method"));
        assertEquals(Map.of("max_steps", 1200, "temperature", 0.07, "learning_rate", 2e-4, "batch_size", 64, "chosen_step", 400,
            "refit_steps", 500, "start_loss", 2.75, "chosen_loss", 2.5), report.get("contrastive"));
        assertEquals(List.of("max_steps", "temperature", "learning_rate", "batch_size", "chosen_step", "refit_steps", "start_loss",
            "chosen_loss"), List.copyOf(((Map<?, ?>) report.get("contrastive")).keySet()), "the documented order");
        assertFalse(report.containsKey("kernel"));

        Map<String, Object> plain = Reports.fit(orthogonal, orthogonal.translator(), null, options);
        assertEquals("orthogonal", plain.get("method"));
        assertFalse(plain.containsKey("contrastive"), "no contrastive part unless the method was fitted: " + plain);
        assertEquals(3L, plain.get("seed"));
        assertEquals(FitOptions.DEFAULT_HOLDOUT, plain.get("holdout"));
    }

    @Test
    void theKernelPartShowsTheCapOnCentres() {
        FitOptions options = FitOptions.defaults().withMethod(Method.ORTHOGONAL_KERNEL).withMaxKernelCentres(20);
        FitResult fit = fit(options);
        assertEquals(Method.ORTHOGONAL_KERNEL, fit.method());
        Map<String, Object> report = Reports.fit(fit, fit.translator(), fit.kernel(), options);
        Map<?, ?> kernel = (Map<?, ?>) report.get("kernel");
        assertEquals(List.of("temperature", "lambda", "centres", "max_centres"), List.copyOf(kernel.keySet()), report.toString());
        assertEquals(20, kernel.get("max_centres"));
        int centres = (int) kernel.get("centres");
        assertTrue(centres > 0 && centres <= 20, "the fit kept to the cap: " + kernel);
        assertFalse(report.containsKey("contrastive"));
    }
}
