package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.latentbridge.it.SyntheticAnchors.base64;
import static org.latentbridge.it.SyntheticAnchors.cosine;
import static org.latentbridge.it.SyntheticAnchors.ids;
import static org.latentbridge.it.SyntheticAnchors.rows;
import static org.latentbridge.it.SyntheticAnchors.toFloats;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The anchor store's whole lifecycle over HTTP on a real node: models, anchors (JSON and base64, append and replace,
 * import from an index), translators (fit, read, stale, delete), {@code _translate} (absolute and relative) and
 * {@code _stats}. Synthetic anchors: target = a fixed rotation of the source, so every fit must be near perfect.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnchorStoreIT {
    private static final int DIMS = 16, N = 300;

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("anchor-store").nodes(1).build();

    static final float[][] SOURCE = new float[N][DIMS], TARGET = new float[N][DIMS];
    static final double[][] ROTATION = SyntheticAnchors.rotation(DIMS, new Random(3));

    static {
        Random random = new Random(1);
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < DIMS; j++) {
                SOURCE[i][j] = (float) (random.nextGaussian() + 0.3);
            }
            TARGET[i] = SyntheticAnchors.rotate(SOURCE[i], ROTATION, 2);
        }
    }

    @Test
    @Order(1)
    void modelsAreCreatedUpdatedAndListed() {
        EsHttp es = CLUSTER.http();
        JsonNode created = es.put("_latent/model/src", Map.of("dims", DIMS, "description", "the new model", "roles", List.of("query",
            "document"))).ok();
        assertEquals("created", created.path("result").asText());
        assertEquals(1, created.path("version").asLong());
        assertEquals(0, created.path("roles").path("query").path("anchors").asInt());
        es.put("_latent/model/tgt", Map.of("dims", DIMS)).ok();
        JsonNode updated = es.put("_latent/model/tgt", Map.of("dims", DIMS, "description", "the index's model")).ok();
        assertEquals("updated", updated.path("result").asText());
        assertEquals(2, updated.path("version").asLong());
        assertEquals("the index's model", es.get("_latent/model/tgt").ok().path("description").asText());
        JsonNode all = es.get("_latent/model").ok().path("models");
        assertEquals(2, all.size());
        assertEquals("src", all.get(0).path("model").asText());
        assertTrue(es.get("_latent/model/tgt").ok().path("roles").has("document"), "a model without roles has the document role");
    }

    @Test
    @Order(2)
    void anchorsAreAppendedAndReplacedByIdInJsonAndBase64() {
        EsHttp es = CLUSTER.http();
        JsonNode first = es.post("_latent/model/src/_anchors", Map.of("role", "query", "ids", ids(0, 200), "vectors", rows(SOURCE, 0, 200)))
            .ok();
        assertEquals(200, first.path("anchors").asInt());
        assertEquals(200, first.path("added").asInt());
        List<String> b64 = new ArrayList<>();
        for (int i = 150; i < N; i++) {
            b64.add(base64(SOURCE[i]));
        }
        JsonNode second = es.post("_latent/model/src/_anchors", Map.of("role", "query", "ids", ids(150, N), "vectors", b64)).ok();
        assertEquals(N, second.path("anchors").asInt());
        assertEquals(100, second.path("added").asInt());
        assertEquals(50, second.path("replaced").asInt());
        es.post("_latent/model/src/_anchors", Map.of("ids", ids(0, N), "vectors", rows(SOURCE, 0, N))).ok(); // document role
        es.post("_latent/model/tgt/_anchors", Map.of("ids", ids(0, N), "vectors", rows(TARGET, 0, N))).ok();
        JsonNode model = es.get("_latent/model/src").ok();
        assertEquals(N, model.path("roles").path("query").path("anchors").asInt());
        JsonNode stats = model.path("roles").path("query").path("statistics");
        assertTrue(stats.path("mean_centered_norm").asDouble() > 1, stats.toString());
        assertTrue(model.path("roles").path("query").path("diagnostics").has("condition_number"));
    }

    @Test
    @Order(3)
    void aTranslatorIsFittedReadAndUsedForTranslation() {
        EsHttp es = CLUSTER.http();
        JsonNode fit = es.put("_latent/translator/src/tgt", Map.of("method", "auto", "seed", 1)).ok();
        assertEquals("src", fit.path("source").asText());
        assertEquals("query", fit.path("source_role").asText());
        assertEquals("document", fit.path("target_role").asText());
        assertEquals("orthogonal", fit.path("method").asText(), "an exact rotation: ties go to orthogonal");
        assertEquals(1, fit.path("version").asLong());
        assertFalse(fit.path("stale").asBoolean());
        assertEquals(N, fit.path("anchors").path("shared").asInt());
        assertEquals(1.0, fit.path("metrics").path("orthogonal").path("top1").asDouble(), 1e-9);
        for (String field : List.of("condition_number", "effective_rank", "similarity_compression", "cka", "warnings")) {
            assertTrue(fit.path("diagnostics").has(field), field + " in " + fit.path("diagnostics"));
        }

        float[] query = SOURCE[7];
        JsonNode translated = es.post("_latent/_translate", Map.of("from", "src", "to", "tgt", "vectors", List.of(query), "normalize",
            true)).ok();
        JsonNode v = translated.path("vectors").get(0);
        assertEquals(DIMS, v.size());
        // the translation lands nearest its own target among all targets (the partly restored mean keeps it off 1.0)
        int nearest = 0;
        for (int i = 1; i < N; i++) {
            if (cosine(v, TARGET[i]) > cosine(v, TARGET[nearest])) {
                nearest = i;
            }
        }
        assertEquals(7, nearest);
        assertTrue(cosine(v, TARGET[7]) > 0.95, "cosine to the rotated vector " + cosine(v, TARGET[7]));

        JsonNode relative = es.post("_latent/_translate", Map.of("from", "src", "to", "_relative", "vectors", List.of(query))).ok();
        assertEquals(N, relative.path("vectors").get(0).size(), "one coordinate per anchor");
        JsonNode relativeTarget = es.post("_latent/_translate", Map.of("from", "tgt", "to", "_relative", "vectors", List.of(TARGET[7])))
            .ok();
        assertTrue(cosine(relative.path("vectors").get(0), toFloats(relativeTarget.path("vectors").get(0))) > 0.9999,
            "the relative spaces of a rotation coincide");

        JsonNode got = es.get("_latent/translator/src/tgt").ok();
        assertEquals("orthogonal", got.path("method").asText());
        assertEquals(1, es.get("_latent/translator").ok().path("translators").size());
    }

    @Test
    @Order(4)
    void newAnchorsMakeATranslatorStaleUntilRefitted() {
        EsHttp es = CLUSTER.http();
        es.post("_latent/model/tgt/_anchors", Map.of("ids", List.of("extra"), "vectors", List.of(TARGET[0]))).ok();
        assertTrue(es.get("_latent/translator/src/tgt").ok().path("stale").asBoolean());
        JsonNode refit = es.put("_latent/translator/src/tgt", Map.of()).ok();
        assertEquals(2, refit.path("version").asLong());
        assertFalse(es.get("_latent/translator/src/tgt").ok().path("stale").asBoolean());
    }

    @Test
    @Order(5)
    void anchorsAreImportedFromAnIndex() {
        EsHttp es = CLUSTER.http();
        es.put("anchor-docs", Map.of("mappings", Map.of("properties", Map.of("emb", Map.of("type", "dense_vector", "dims", DIMS,
            "index", false), "anchor_id", Map.of("type", "keyword"))))).ok();
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < N; i++) {
            bulk.append("{\"index\":{\"_index\":\"anchor-docs\"}}\n");
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("anchor_id", "a" + i);
            doc.put("emb", TARGET[i]);
            try {
                bulk.append(EsHttp.JSON.writeValueAsString(doc)).append('\n');
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        assertFalse(es.post("_bulk?refresh=true", bulk.toString()).ok().path("errors").asBoolean());
        es.put("_latent/model/imported", Map.of("dims", DIMS)).ok();
        JsonNode r = es.post("_latent/model/imported/_anchors", Map.of("source", Map.of("index", "anchor-docs", "field", "emb", "id_field",
            "anchor_id"))).ok();
        assertEquals(N, r.path("anchors").asInt());
        JsonNode fit = es.put("_latent/translator/src/imported", Map.of("method", "orthogonal")).ok();
        assertEquals(1.0, fit.path("metrics").path("orthogonal").path("top1").asDouble(), 1e-9);
    }

    @Test
    @Order(6)
    void deletingAModelInUseNeedsForceAndTakesItsTranslators() {
        EsHttp es = CLUSTER.http();
        JsonNode refused = es.delete("_latent/model/imported").expectStatus(409).json();
        assertTrue(refused.path("error").path("reason").asText().contains("src/query->imported/document"), refused.toString());
        JsonNode deleted = es.delete("_latent/model/imported?force=true").ok();
        assertEquals(1, deleted.path("deleted_translators").size());
        es.get("_latent/model/imported").expectStatus(404);
        es.get("_latent/translator/src/imported").expectStatus(404);
        es.delete("_latent/translator/src/tgt").ok();
        es.get("_latent/translator/src/tgt").expectStatus(404);
    }

    @Test
    @Order(7)
    void statsCountCacheUseAndTranslations() {
        for (int i = 0; i < 2; i++) { // the second is served from the cache
            CLUSTER.http().post("_latent/_translate", Map.of("from", "src", "to", "_relative", "vectors", List.of(SOURCE[1]))).ok();
        }
        JsonNode nodes = CLUSTER.http().get("_latent/_stats").ok().path("nodes");
        assertEquals(1, nodes.size());
        JsonNode node = nodes.elements().next();
        assertTrue(node.path("translations").path("count").asLong() >= 3, node.toString());
        assertTrue(node.path("cache").path("misses").asLong() > 0, node.toString());
        assertTrue(node.path("cache").path("hits").asLong() >= 2, node.toString());
        assertTrue(node.path("cache").path("entries").asLong() >= 2, node.toString());
        assertTrue(node.path("cache").path("bytes").asLong() > 300 * DIMS * 4, "the relative projection's anchors are held: " + node);
        for (String f : List.of("entries", "bytes", "hits", "misses", "evictions")) {
            assertTrue(node.path("cache").has(f), f);
        }
    }
}
