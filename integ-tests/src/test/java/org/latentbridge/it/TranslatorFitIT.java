package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fitting through the API: quality gates that keep the previous translator, fits run as tasks, and the options of the
 * {@code orthogonal_kernel} and {@code contrastive} methods.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TranslatorFitIT {
    private static final int DIMS = 12, N = 200;

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("translator-fit").nodes(1).build();

    private static List<float[]> gaussian(long seed) {
        Random random = new Random(seed);
        float[][] m = new float[N][DIMS];
        for (float[] row : m) {
            for (int j = 0; j < DIMS; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        return List.of(m);
    }

    @Test
    @Order(1)
    void aRefusedFitKeepsThePreviousTranslatorAndReportsItsMetrics() {
        EsHttp es = CLUSTER.http();
        List<float[]> x = gaussian(1);
        es.put("_latent/model/s", Map.of("dims", DIMS)).ok();
        es.put("_latent/model/t", Map.of("dims", DIMS)).ok();
        es.post("_latent/model/s/_anchors", Map.of("ids", SyntheticAnchors.ids(0, N), "vectors", x)).ok();
        es.post("_latent/model/t/_anchors", Map.of("ids", SyntheticAnchors.ids(0, N), "vectors", x)).ok(); // identical spaces
        JsonNode good = es.put("_latent/translator/s/t", Map.of("min_quality", Map.of("top1", 0.9))).ok();
        assertEquals(1, good.path("version").asLong());
        // every method's held-out metrics hold neighbour agreement; identical spaces keep every neighbourhood
        good.path("metrics").fields().forEachRemaining(m -> {
            double agreement = m.getValue().path("neighbour_agreement").asDouble(-1);
            assertTrue(agreement >= 0 && agreement <= 1, m.getKey() + " " + m.getValue());
        });
        assertTrue(good.path("metrics").path("orthogonal").path("neighbour_agreement").asDouble() >= 0.95, good.toString());
        assertEquals(good.path("metrics"), es.get("_latent/translator/s/t").ok().path("metrics"), "GET shows the stored report");

        // the target's anchors become unrelated noise: the refit falls below the floor and is refused
        es.post("_latent/model/t/_anchors", Map.of("ids", SyntheticAnchors.ids(0, N), "vectors", gaussian(2))).ok();
        EsResponse refused = es.put("_latent/translator/s/t", Map.of("min_quality", Map.of("top1", 0.9))).expectStatus(400);
        JsonNode error = refused.json().path("error");
        assertTrue(error.path("reason").asText().contains("refused by [min_quality]"), refused.body());
        assertTrue(error.path("metrics").path("orthogonal").path("top1").asDouble() < 0.9, "metrics in the error body: " + refused.body());
        assertTrue(error.path("metrics").has("linear"), refused.body());
        EsResponse scrambled = es.put("_latent/translator/s/t", Map.of("min_quality", Map.of("neighbour_agreement", 0.9)))
            .expectStatus(400);
        assertTrue(scrambled.json().path("error").path("reason").asText().contains("held-out neighbour_agreement"), scrambled.body());

        EsResponse badMethod = es.put("_latent/translator/s/t", Map.of("method", "relative")).expectStatus(400);
        assertTrue(badMethod.body().contains(
            "expected one of [auto, orthogonal, linear, affine, inverse_relative, orthogonal_kernel, contrastive, functional_map, "
                + "gromov_wasserstein]"), badMethod.body());

        JsonNode kept = es.get("_latent/translator/s/t").ok();
        assertEquals(1, kept.path("version").asLong(), "the previous translator is kept");
        assertTrue(kept.path("stale").asBoolean(), "and shown stale, since the anchors changed");
    }

    @Test
    @Order(2)
    void aFitRunsAsATaskWhenAskedNotToWait() {
        EsHttp es = CLUSTER.http();
        es.post("_latent/model/t/_anchors", Map.of("ids", SyntheticAnchors.ids(0, N), "vectors", gaussian(1))).ok();
        JsonNode started = es.put("_latent/translator/s/t?wait_for_completion=false", Map.of()).ok();
        String task = started.path("task").asText();
        assertTrue(task.contains(":"), started.toString());
        JsonNode done = es.get("_tasks/" + task + "?wait_for_completion=true&timeout=60s").ok();
        assertTrue(done.path("completed").asBoolean(), done.toString());
        assertEquals("orthogonal", done.path("response").path("method").asText(), done.toString());
        assertEquals(2, done.path("response").path("version").asLong(), done.toString());
        assertFalse(es.get("_latent/translator/s/t").ok().path("stale").asBoolean());
    }

    @Test
    @Order(3)
    void theKernelsCentreCapIsAnOptionAndMethodOptionsNeedTheirMethod() {
        EsHttp es = CLUSTER.http();
        JsonNode fit = es.put("_latent/translator/s/t", Map.of("method", "orthogonal_kernel", "kernel", Map.of("max_centres", 40))).ok();
        JsonNode kernel = fit.path("kernel");
        assertEquals(40, kernel.path("max_centres").asInt(), fit.toString());
        assertTrue(kernel.path("centres").asInt() > 0 && kernel.path("centres").asInt() <= 40, fit.toString());
        assertEquals(kernel, es.get("_latent/translator/s/t").ok().path("kernel"), "GET shows the stored report");

        long version = fit.path("version").asLong();
        for (Map<String, Object> body : List.of(Map.of("method", "linear", "kernel", Map.of("max_centres", 40)),
            Map.<String, Object>of("method", "orthogonal", "contrastive", Map.of("max_steps", 200)))) {
            EsResponse refused = es.put("_latent/translator/s/t", body).expectStatus(400);
            assertEquals("action_request_validation_exception", refused.json().path("error").path("type").asText(), refused.body());
            assertTrue(refused.body().contains("does not run"), refused.body());
        }
        EsResponse outOfRange = es.put("_latent/translator/s/t", Map.of("contrastive", Map.of("temperature", 5))).expectStatus(400);
        assertTrue(outOfRange.body().contains("[contrastive.temperature] must be within [0.01, 1], got [5.0]"), outOfRange.body());
        EsResponse unknown = es.put("_latent/translator/s/t", Map.of("contrastive", Map.of("epochs", 5))).expectStatus(400);
        assertEquals("x_content_parse_exception", unknown.json().path("error").path("type").asText(), unknown.body());
        assertEquals(version, es.get("_latent/translator/s/t").ok().path("version").asLong(), "nothing refused was stored");
    }

    @Test
    @Order(4)
    void aContrastiveFitReportsItsRunAndTranslates() {
        EsHttp es = CLUSTER.http();
        JsonNode fit = es.put("_latent/translator/s/t", Map.of("method", "contrastive", "contrastive", Map.of("max_steps", 200))).ok();
        assertEquals("contrastive", fit.path("method").asText(), fit.toString());
        JsonNode run = fit.path("contrastive");
        assertEquals(200, run.path("max_steps").asInt(), fit.toString());
        int chosen = run.path("chosen_step").asInt(-1);
        assertTrue(chosen >= 0 && chosen <= 200, "the chosen step is within the budget: " + run);
        assertTrue(Double.isFinite(run.path("start_loss").asDouble()) && Double.isFinite(run.path("chosen_loss").asDouble(Double.NaN)),
            run.toString());
        assertTrue(run.path("chosen_loss").asDouble() <= run.path("start_loss").asDouble(), "the lowest validation loss is chosen: " + run);
        assertEquals(run, es.get("_latent/translator/s/t").ok().path("contrastive"), "GET shows the stored report");

        // both models hold the same anchors: the translation of an anchor lands on its own target
        float[] anchor = gaussian(1).get(7);
        JsonNode translated = es.post("_latent/_translate", Map.of("from", "s", "to", "t", "vectors", List.of(anchor))).ok();
        assertEquals("contrastive", translated.path("method").asText(), translated.toString());
        JsonNode vector = translated.path("vectors").get(0);
        assertEquals(DIMS, vector.size(), translated.toString());
        double dot = 0, norm = 0, anchorNorm = 0;
        for (int j = 0; j < DIMS; j++) {
            double v = vector.get(j).asDouble();
            dot += v * anchor[j];
            norm += v * v;
            anchorNorm += anchor[j] * anchor[j];
        }
        assertTrue(dot / Math.sqrt(norm * anchorNorm) > 0.9, "cosine to the anchor's own target: " + dot / Math.sqrt(norm * anchorNorm));
    }
}
