package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A refit from the documents re-embedded so far, on a real node: an index of {@value #DOCS} documents with model A's
 * vector in {@code emb}, {@value #RE_EMBEDDED} of them also with model B's in {@code emb_b} (a fixed rotation of A's, so
 * the fit must be near perfect). Two imports with the same {@code paired_field}, {@code max_anchors} and {@code seed}
 * give both models the same ids, all of documents that have both vectors, and the same ids again when re-run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnchorImportPairsIT {
    private static final int DIMS = 16, DOCS = 300, RE_EMBEDDED = 120, CAP = 100;
    private static final String INDEX = "migrating";

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("anchor-import-pairs").nodes(1).build();

    private static Map<String, Object> importBody(String field, String pairedField, int cap, long seed) {
        return Map.of("source", Map.of("index", INDEX, "field", field, "id_field", "_id", "paired_field", pairedField,
            "max_anchors", cap, "seed", seed));
    }

    @Test
    @Order(1)
    void theMigratingIndexIsWritten() throws Exception {
        EsHttp es = CLUSTER.http();
        Map<String, Object> vector = Map.of("type", "dense_vector", "dims", DIMS, "similarity", "cosine");
        es.put(INDEX, Map.of("settings", Map.of("number_of_shards", 2), "mappings", Map.of("properties", Map.of("emb", vector,
            "emb_b", vector, "title", Map.of("type", "keyword"))))).ok();
        Random random = new Random(17);
        double[][] rotation = SyntheticAnchors.rotation(DIMS, random);
        float[][] a = SyntheticAnchors.gaussian(DOCS, DIMS, 0.3, random);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < DOCS; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < DOCS; i++) {
            bulk.append("{\"index\":{\"_index\":\"" + INDEX + "\",\"_id\":\"d" + i + "\"}}\n");
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("title", "document " + i);
            doc.put("emb", a[i]);
            if (order.indexOf(i) < RE_EMBEDDED) {
                doc.put("emb_b", SyntheticAnchors.rotate(a[i], rotation, 1));
            }
            bulk.append(EsHttp.JSON.writeValueAsString(doc)).append('\n');
        }
        assertFalse(es.post("_bulk?refresh=true", bulk.toString()).ok().path("errors").asBoolean());
        assertEquals(RE_EMBEDDED, es.post(INDEX + "/_count", Map.of("query", Map.of("exists", Map.of("field", "emb_b")))).ok()
            .path("count").asInt());
        es.put("_latent/model/model-a", Map.of("dims", DIMS)).ok();
        es.put("_latent/model/model-b", Map.of("dims", DIMS)).ok();
    }

    @Test
    @Order(2)
    void bothModelsImportTheSameSampledIdsAndATranslatorFitsOnThem() {
        EsHttp es = CLUSTER.http();
        JsonNode intoA = es.put("_latent/model/model-a/_anchors", importBody("emb", "emb_b", CAP, 11)).ok();
        JsonNode intoB = es.put("_latent/model/model-b/_anchors", importBody("emb_b", "emb", CAP, 11)).ok();
        assertEquals(CAP, intoA.path("anchors").asInt(), intoA.toString());
        assertEquals(CAP, intoB.path("anchors").asInt(), intoB.toString());
        JsonNode fit = es.put("_latent/translator/model-b/model-a", Map.of("method", "orthogonal")).ok();
        // each model holds CAP anchors and CAP of them are shared: the two id sets are equal, and since model-b's came from
        // emb_b, every id is a document that has both vectors
        assertEquals(CAP, fit.path("anchors").path("shared").asInt(), fit.toString());
        assertEquals(1.0, fit.path("metrics").path("orthogonal").path("top1").asDouble(), 1e-9, fit.toString());
    }

    @Test
    @Order(3)
    void reRunningWithTheSameSeedChoosesTheSameIdsAndAnotherSeedOthers() {
        EsHttp es = CLUSTER.http();
        for (String[] side : new String[][] {{"model-a", "emb", "emb_b"}, {"model-b", "emb_b", "emb"}}) {
            JsonNode again = es.put("_latent/model/" + side[0] + "/_anchors", importBody(side[1], side[2], CAP, 11)).ok();
            assertEquals(0, again.path("added").asInt(), again.toString());
            assertEquals(CAP, again.path("replaced").asInt(), again.toString());
            assertEquals(CAP, again.path("anchors").asInt(), again.toString());
        }
        JsonNode otherSeed = es.put("_latent/model/model-a/_anchors", importBody("emb", "emb_b", CAP, 12)).ok();
        int added = otherSeed.path("added").asInt();
        assertTrue(added > 0, "another seed, another sample: " + otherSeed);
        assertEquals(CAP + added, otherSeed.path("anchors").asInt());
        assertTrue(otherSeed.path("anchors").asInt() <= RE_EMBEDDED, "only documents with both vectors: " + otherSeed);
    }

    @Test
    @Order(4)
    void theDocumentIdServesAsTheAnchorIdWithoutACap() {
        EsHttp es = CLUSTER.http();
        es.put("_latent/model/by-id", Map.of("dims", DIMS)).ok();
        JsonNode all = es.put("_latent/model/by-id/_anchors", Map.of("source", Map.of("index", INDEX, "field", "emb", "id_field", "_id")))
            .ok();
        assertEquals(DOCS, all.path("anchors").asInt(), all.toString());
        JsonNode paired = es.put("_latent/model/by-id/_anchors", Map.of("source", Map.of("index", INDEX, "field", "emb", "id_field", "_id",
            "paired_field", "emb_b"))).ok();
        assertEquals(RE_EMBEDDED, paired.path("replaced").asInt(), "the paired documents' ids are the same _ids: " + paired);
        assertEquals(0, paired.path("added").asInt(), paired.toString());
    }

    @Test
    @Order(5)
    void badSamplingOptionsAreRefusedAndNothingIsWritten() {
        EsHttp es = CLUSTER.http();
        long version = es.get("_latent/model/model-b").ok().path("version").asLong();
        EsResponse noPairs = es.put("_latent/model/model-b/_anchors", importBody("emb_b", "emb_c", CAP, 11));
        assertEquals(400, noPairs.status(), noPairs.body());
        assertTrue(noPairs.body().contains("[source] index [migrating] has no documents with both [emb_b] and [emb_c] to import"),
            noPairs.body());
        EsResponse overLimit = es.put("_latent/model/model-b/_anchors", importBody("emb_b", "emb", 50_001, 11));
        assertEquals(400, overLimit.status(), overLimit.body());
        assertTrue(overLimit.body().contains("[source][max_anchors] is [50001], more than the node's limit of [50000]"), overLimit.body());
        EsResponse zero = es.put("_latent/model/model-b/_anchors", importBody("emb_b", "emb", 0, 11));
        assertEquals(400, zero.status(), zero.body());
        assertTrue(zero.body().contains("[source][max_anchors] must be at least [1], got [0]"), zero.body());
        assertEquals(version, es.get("_latent/model/model-b").ok().path("version").asLong(), "a refused import writes nothing");
    }
}
