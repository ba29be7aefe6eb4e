package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latentbridge.it.SyntheticAnchors.ids;
import static org.latentbridge.it.SyntheticAnchors.rows;

/**
 * {@code latent_knn} with {@code native_field} on a real node, with synthetic vectors: an index in mid-migration where
 * every document has the old field and half also the new one. Each document appears once, scored by the blend of its
 * exact cosines (checked against the test's own arithmetic on an index whose old field is of the query's model, so the
 * calibration is the identity), with filter, similarity, boost, {@code _name} and {@code bool}; a translated old field;
 * and the 400s of a bad native field or option.
 */
class MixedCoverageQueryIT {
    private static final int DIMS = 16, N = 300, DOCS = 60, K = 10;
    private static final double WEIGHT = 0.6;

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("mixed-coverage").nodes(1).build();

    static final double[][] ROTATION = SyntheticAnchors.rotation(DIMS, new Random(31));
    /** The new model's vectors (the query model's), and the old model's: a rotation of them. */
    static final float[][] NEW = SyntheticAnchors.gaussian(N, DIMS, 0.3, new Random(32));
    static final float[][] OLD = new float[N][];
    /** A second view of each document in the query model's space: near, not equal, to {@link #NEW}. */
    static final float[][] NEW_AGAIN = new float[N][];

    static {
        Random noise = new Random(33);
        for (int i = 0; i < N; i++) {
            OLD[i] = SyntheticAnchors.rotate(NEW[i], ROTATION, 2);
            NEW_AGAIN[i] = NEW[i].clone();
            for (int d = 0; d < DIMS; d++) {
                NEW_AGAIN[i][d] += (float) (0.3 * noise.nextGaussian());
            }
        }
    }

    @BeforeAll
    static void modelsTranslatorAndIndices() throws Exception {
        EsHttp es = CLUSTER.http();
        es.put("_latent/model/new", Map.of("dims", DIMS)).ok();
        es.put("_latent/model/old", Map.of("dims", DIMS)).ok();
        es.put("_latent/model/third", Map.of("dims", DIMS)).ok();
        es.post("_latent/model/new/_anchors", Map.of("ids", ids(0, N), "vectors", rows(NEW, 0, N))).ok();
        es.post("_latent/model/old/_anchors", Map.of("ids", ids(0, N), "vectors", rows(OLD, 0, N))).ok();
        es.put("_latent/translator/new/old", Map.of()).ok();
        // migrating: the old field (model "old") everywhere, the new field (model "new") in the even documents
        index(es, "migrating", "old", OLD);
        // already in the query's model: the old field holds "new" vectors too, so nothing is translated or calibrated
        index(es, "same-model", "new", NEW_AGAIN);
    }

    private static void index(EsHttp es, String index, String oldModel, float[][] oldVectors) throws Exception {
        Map<String, Object> vector = Map.of("type", "dense_vector", "dims", DIMS, "similarity", "cosine", "index_options",
            Map.of("type", "hnsw"));
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("emb", withMeta(vector, oldModel));
        properties.put("emb_new", withMeta(vector, "new"));
        properties.put("emb_third", withMeta(vector, "third"));
        properties.put("emb_short", Map.of("type", "dense_vector", "dims", DIMS / 2, "similarity", "cosine"));
        properties.put("group", Map.of("type", "keyword"));
        properties.put("text", Map.of("type", "text"));
        es.put(index, Map.of("settings", Map.of("number_of_shards", 2), "mappings", Map.of("properties", properties))).ok();
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < DOCS; i++) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("emb", oldVectors[i]);
            if (i % 2 == 0) {
                doc.put("emb_new", NEW[i]);
            }
            doc.put("group", i % 3 == 0 ? "third" : "rest");
            doc.put("text", i == 41 ? "the answer" : "filler");
            bulk.append(EsHttp.JSON.writeValueAsString(Map.of("index", Map.of("_index", index, "_id", "d" + i)))).append('\n');
            bulk.append(EsHttp.JSON.writeValueAsString(doc)).append('\n');
        }
        assertFalse(es.post("_bulk?refresh=true", bulk.toString()).ok().path("errors").asBoolean());
    }

    private static Map<String, Object> withMeta(Map<String, Object> mapping, String model) {
        Map<String, Object> out = new LinkedHashMap<>(mapping);
        out.put("meta", Map.of("latent_model", model));
        return out;
    }

    private static Map<String, Object> mixed(float[] vector, Map<String, Object> extra) {
        Map<String, Object> q = new LinkedHashMap<>(Map.of("field", "emb", "query_vector", vector, "model", "new", "native_field",
            "emb_new", "native_weight", WEIGHT, "k", K, "num_candidates", 100));
        q.putAll(extra);
        return Map.of("latent_knn", q);
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(aa * bb);
    }

    /** The score of document {@code i} of {@code same-model} (identity calibration), by the documented formula. */
    private static double expectedScore(float[] query, int i) {
        double old = cosine(query, NEW_AGAIN[i]);
        double s = i % 2 == 0 ? WEIGHT * cosine(query, NEW[i]) + (1 - WEIGHT) * old : old;
        return (1 + s) / 2;
    }

    private static List<String> hitIds(JsonNode response) {
        List<String> out = new ArrayList<>();
        for (JsonNode hit : response.path("hits").path("hits")) {
            out.add(hit.path("_index").asText() + "/" + hit.path("_id").asText());
        }
        return out;
    }

    @Test
    void eachDocumentOnceScoredByTheBlendOfItsCosines() {
        EsHttp es = CLUSTER.http();
        float[] query = NEW[8];
        // k as large as the index: every document is a candidate of its shard, so the response is every document, each once,
        // and the test's brute force is the truth
        JsonNode r = es.post("same-model/_search", Map.of("query", mixed(query, Map.of("k", DOCS)), "size", 2 * DOCS)).ok();
        List<String> hits = hitIds(r);
        assertEquals(DOCS, hits.size(), "every document: " + hits);
        assertEquals(hits.size(), new HashSet<>(hits).size(), "each document once: " + hits);
        assertEquals("same-model/d8", hits.get(0), "the document with both vectors of the query's item first: " + hits);
        List<Integer> byExpectedScore = new ArrayList<>();
        for (int i = 0; i < DOCS; i++) {
            byExpectedScore.add(i);
        }
        byExpectedScore.sort(Comparator.comparingDouble((Integer i) -> expectedScore(query, i)).reversed());
        for (int rank = 0; rank < DOCS; rank++) {
            JsonNode hit = r.path("hits").path("hits").get(rank);
            int doc = byExpectedScore.get(rank);
            assertEquals("d" + doc, hit.path("_id").asText(), "rank " + rank + ": " + hits);
            assertEquals(expectedScore(query, doc), hit.path("_score").asDouble(), 1e-5, "score of d" + doc);
        }
    }

    @Test
    void insideTheStandardRetrieverAsInAQuery() {
        EsHttp es = CLUSTER.http();
        Map<String, Object> query = mixed(NEW[10], Map.of());
        JsonNode plain = es.post("migrating,same-model/_search", Map.of("query", query, "size", 4 * K)).ok();
        JsonNode retrieved = es.post("migrating,same-model/_search", Map.of("retriever", Map.of("standard", Map.of("query", query)),
            "size", 4 * K)).ok();
        assertFalse(hitIds(plain).isEmpty());
        assertEquals(hitIds(plain), hitIds(retrieved));
    }

    @Test
    void filterSimilarityBoostNameAndBool() {
        EsHttp es = CLUSTER.http();
        float[] query = NEW[9];
        for (JsonNode hit : es.post("same-model/_search", Map.of("query", mixed(query, Map.of("filter", Map.of("term", Map.of("group",
            "third")))), "size", 2 * K)).ok().path("hits").path("hits")) {
            assertEquals(0, Integer.parseInt(hit.path("_id").asText().substring(1)) % 3, "the filter holds: " + hit);
        }
        double cut = 0.2;
        JsonNode close = es.post("same-model/_search", Map.of("query", mixed(query, Map.of("similarity", cut, "k", DOCS)), "size",
            2 * DOCS)).ok();
        int expectedAboveCut = 0;
        for (int i = 0; i < DOCS; i++) {
            expectedAboveCut += 2 * expectedScore(query, i) - 1 >= cut ? 1 : 0;
        }
        assertEquals(expectedAboveCut, close.path("hits").path("hits").size(), close.toString());
        for (JsonNode hit : close.path("hits").path("hits")) {
            assertTrue(2 * hit.path("_score").asDouble() - 1 >= cut - 1e-5, "the similarity cut applies to the mixed score: " + hit);
        }
        JsonNode plain = es.post("same-model/_search", Map.of("query", mixed(query, Map.of()), "size", 1)).ok();
        JsonNode boosted = es.post("same-model/_search", Map.of("query", mixed(query, Map.of("boost", 3.0, "_name", "migrating")),
            "size", 1)).ok();
        JsonNode top = boosted.path("hits").path("hits").get(0);
        assertEquals(3 * plain.path("hits").path("hits").get(0).path("_score").asDouble(), top.path("_score").asDouble(), 1e-4);
        assertEquals("migrating", top.path("matched_queries").get(0).asText(), top.toString());
        JsonNode hybrid = es.post("same-model/_search", Map.of("query", Map.of("bool", Map.of("should", List.of(mixed(query, Map.of()),
            Map.of("match", Map.of("text", "answer"))))), "size", 30)).ok();
        List<String> hits = hitIds(hybrid);
        assertTrue(hits.contains("same-model/d9") && hits.contains("same-model/d41"), "both clauses contribute: " + hits);
        assertEquals(hits.size(), new HashSet<>(hits).size(), hits.toString());
    }

    @Test
    void calibratedAloneScoresTheTranslatedFieldOnTheQueryModelsScale() {
        EsHttp es = CLUSTER.http();
        float[] query = NEW[5];
        JsonNode r = es.post("same-model/_search", Map.of("query", Map.of("latent_knn", Map.of("field", "emb", "query_vector", query,
            "model", "new", "calibrated", true, "k", K, "num_candidates", 100)), "size", 2 * K)).ok();
        for (JsonNode hit : r.path("hits").path("hits")) {
            int doc = Integer.parseInt(hit.path("_id").asText().substring(1));
            assertEquals((1 + cosine(query, NEW_AGAIN[doc])) / 2, hit.path("_score").asDouble(), 1e-5, hit.toString());
        }
    }

    /**
     * The old field translated: with a calibrated translator, the item's document comes first whether it has both vectors
     * or the old one alone, and a search over both indices takes each index's own field model; a translator fitted before
     * calibrations existed is refused, saying how to refit.
     */
    @Test
    void aTranslatedOldFieldMixesWhenItsTranslatorIsCalibrated() {
        EsHttp es = CLUSTER.http();
        EsResponse r = es.post("migrating/_search", Map.of("query", mixed(NEW[12], Map.of()), "size", 2 * K));
        assertFalse(es.get("_latent/translator/new/old").ok().findPath("score_calibration").isMissingNode(),
            "the fit stores a calibration");
        List<String> both = hitIds(r.ok());
        assertEquals("migrating/d12", both.get(0), both.toString());
        assertEquals(both.size(), new HashSet<>(both).size(), both.toString());
        List<String> oldOnly = hitIds(es.post("migrating/_search", Map.of("query", mixed(NEW[13], Map.of()), "size", 2 * K)).ok());
        assertEquals("migrating/d13", oldOnly.get(0), "a document with the old vector alone is found: " + oldOnly);
        List<String> across = hitIds(es.post("migrating,same-model/_search", Map.of("query", mixed(NEW[14], Map.of()), "size", 4 * K))
            .ok());
        assertTrue(across.contains("migrating/d14") && across.contains("same-model/d14"), "each index by its own field model: " + across);
        Set<String> unique = new HashSet<>(across);
        assertEquals(across.size(), unique.size(), across.toString());
    }

    @Test
    void badNativeFieldsAndOptionsAreRefusedWithAReason() {
        EsHttp es = CLUSTER.http();
        float[] q = NEW[1];
        refused(es.post("migrating/_search", Map.of("query", mixed(q, Map.of("native_field", "text")))), 400,
            "[native_field] [text] of index [migrating] is of type [text], not [dense_vector]");
        refused(es.post("migrating/_search", Map.of("query", mixed(q, Map.of("native_field", "emb_short")))), 400,
            "[query_vector] has [16] dimensions but [native_field] [emb_short] of index [migrating] holds [8]");
        refused(es.post("migrating/_search", Map.of("query", mixed(q, Map.of("native_field", "emb_third")))), 400,
            "[native_field] [emb_third] of index [migrating] holds vectors of model [third]");
        refused(es.post("migrating/_search", Map.of("query", mixed(q, Map.of("native_weight", 1.5)))), 400,
            "[native_weight] must be within [0, 1], got [1.5]");
        refused(es.post("migrating/_search", Map.of("query", mixed(q, Map.of("method", "inverse_relative")))), 400,
            "[native_field] needs calibrated scores");
        refused(es.post("migrating/_search", Map.of("query", Map.of("latent_knn", Map.of("field", "emb", "query_vector", q, "model", "new",
            "calibrated", true, "method", "inverse_relative")))), 400, "[calibrated] needs calibrated scores");
    }

    private static void refused(EsResponse r, int status, String fragment) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.body().contains(fragment), "[" + fragment + "] not in " + r.body());
    }
}
