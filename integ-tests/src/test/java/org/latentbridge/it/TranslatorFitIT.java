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

/** Fitting through the API: quality gates that keep the previous translator, and fits run as tasks. */
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
            "expected one of [auto, orthogonal, linear, affine, inverse_relative, orthogonal_kernel, contrastive]"), badMethod.body());

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
}
