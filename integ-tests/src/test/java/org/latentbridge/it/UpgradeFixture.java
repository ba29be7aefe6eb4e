package org.latentbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.latentbridge.it.SyntheticAnchors.ids;
import static org.latentbridge.it.SyntheticAnchors.rows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What the upgrade tests ({@link UpgradeIT}, {@link RollingUpgradeIT}) store on 8.19 and expect back on 9.x: models
 * {@code new} and {@code old} whose anchors are a point cloud and its rotation scaled by 2, an {@code orthogonal}
 * translator {@code new -> old}, documents holding {@code old} vectors, and the pipeline {@code to-old}.
 */
final class UpgradeFixture {
    static final int DIMS = 16, ANCHORS = 300, QUERIES = 20;

    /** Anchors of {@code new}; the first {@link #QUERIES} are also the queries. */
    final float[][] source;
    /** Anchors of {@code old}: {@code 2 source R}; document {@code d<i>} holds row i. */
    final float[][] target = new float[ANCHORS][];
    final List<float[]> queries;

    UpgradeFixture(Random random) {
        double[][] rotation = SyntheticAnchors.rotation(DIMS, random);
        source = SyntheticAnchors.gaussian(ANCHORS, DIMS, 0.3, random);
        for (int i = 0; i < ANCHORS; i++) {
            target[i] = SyntheticAnchors.rotate(source[i], rotation, 2);
        }
        queries = rows(source, 0, QUERIES);
    }

    /** The two models with their anchors, the fitted translator and the pipeline {@code to-old}. */
    void storeModelsTranslatorAndPipeline(EsHttp es) {
        es.put("_latent/model/new", Map.of("dims", DIMS)).ok();
        es.put("_latent/model/old", Map.of("dims", DIMS)).ok();
        es.post("_latent/model/new/_anchors", Map.of("ids", ids(0, ANCHORS), "vectors", rows(source, 0, ANCHORS))).ok();
        es.post("_latent/model/old/_anchors", Map.of("ids", ids(0, ANCHORS), "vectors", rows(target, 0, ANCHORS))).ok();
        es.put("_latent/translator/new/old", Map.of("method", "orthogonal")).ok();
        es.put("_ingest/pipeline/to-old", Map.of("processors", List.of(Map.of("latent_translate", Map.of("field", "emb", "from",
            "new", "to", "old"))))).ok();
    }

    /** An index whose field {@code emb} holds {@code old} vectors with {@code indexType} options, and {@code docs} of them. */
    void createIndex(EsHttp es, String index, int shards, int replicas, String indexType, int docs) throws JsonProcessingException {
        es.put(index, Map.of("settings", Map.of("number_of_shards", shards, "number_of_replicas", replicas), "mappings", Map.of(
            "properties", Map.of("emb", Map.of("type", "dense_vector", "dims", DIMS, "similarity", "cosine", "index_options",
                Map.of("type", indexType), "meta", Map.of("latent_model", "old")))))).ok();
        if (docs > 0) {
            StringBuilder bulk = new StringBuilder();
            for (int i = 0; i < docs; i++) {
                bulk.append("{\"index\":{\"_id\":\"d").append(i).append("\"}}\n")
                    .append(EsHttp.JSON.writeValueAsString(Map.of("emb", target[i]))).append('\n');
            }
            assertFalse(es.post(index + "/_bulk?refresh=true", bulk.toString()).ok().path("errors").asBoolean());
        }
    }

    /** The queries translated {@code new -> old}, unit length. */
    JsonNode translatedQueries(EsHttp es) {
        return es.post("_latent/_translate", Map.of("from", "new", "to", "old", "vectors", queries, "normalize", true)).ok()
            .path("vectors");
    }

    /** The ids of each query's {@code latent_knn} hits in {@code index}, in order. */
    List<List<String>> latentKnnHits(EsHttp es, String index) {
        List<List<String>> hits = new ArrayList<>();
        for (float[] q : queries) {
            List<String> ids = new ArrayList<>();
            es.post(index + "/_search", Map.of("query", Map.of("latent_knn", Map.of("field", "emb", "query_vector", q, "model", "new",
                "k", 5, "num_candidates", 50)), "size", 5)).ok().path("hits").path("hits").forEach(h -> ids.add(h.path("_id").asText()));
            hits.add(ids);
        }
        return hits;
    }

    /**
     * Equal vectors to 1e-5 per component: the same stored translator and core on both lines, but the 8.19 nodes' Java 17
     * has no Vector API, so they use the plain-Java kernels, which sum in another order.
     */
    static void assertSameVectors(JsonNode expected, JsonNode actual, String where) {
        assertEquals(expected.size(), actual.size(), where);
        for (int i = 0; i < expected.size(); i++) {
            for (int j = 0; j < DIMS; j++) {
                assertEquals(expected.get(i).get(j).asDouble(), actual.get(i).get(j).asDouble(), 1e-5, where + ": vector " + i + "[" + j
                    + "]");
            }
        }
    }
}
