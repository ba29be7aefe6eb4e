package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latentbridge.it.SyntheticAnchors.ids;
import static org.latentbridge.it.SyntheticAnchors.rows;
import static org.latentbridge.it.SyntheticAnchors.toFloats;

/**
 * {@code latent_knn} and {@code latent_translation} through the standard search APIs on a real node: the same hits as
 * a native kNN with the vector translated by {@code _translate}, per-index translation over indices of different
 * models, filters, boost, {@code _name}, hybrid {@code bool}, the other search endpoints, and bad input.
 */
class LatentKnnIT {
    private static final int DIMS = 16, N = 300, DOCS = 100;

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("latent-knn").nodes(1).build();

    static final double[][] ROTATION = SyntheticAnchors.rotation(DIMS, new Random(21));
    static final float[][] SOURCE = SyntheticAnchors.gaussian(N, DIMS, 0.3, new Random(22));
    static final float[][] TARGET = new float[N][];

    static {
        for (int i = 0; i < N; i++) {
            TARGET[i] = SyntheticAnchors.rotate(SOURCE[i], ROTATION, 2);
        }
    }

    @BeforeAll
    static void modelsTranslatorAndIndices() throws Exception {
        EsHttp es = CLUSTER.http();
        es.put("_latent/model/new", Map.of("dims", DIMS)).ok();
        es.put("_latent/model/old", Map.of("dims", DIMS)).ok();
        es.put("_latent/model/lonely", Map.of("dims", DIMS)).ok();
        es.post("_latent/model/new/_anchors", Map.of("ids", ids(0, N), "vectors", rows(SOURCE, 0, N))).ok();
        es.post("_latent/model/old/_anchors", Map.of("ids", ids(0, N), "vectors", rows(TARGET, 0, N))).ok();
        es.put("_latent/translator/new/old", Map.of()).ok();
        // docs-old holds "old" vectors of items 0..99; docs-new holds "new" vectors of the same items
        index(es, "docs-old", "old", TARGET);
        index(es, "docs-new", "new", SOURCE);
        es.put("docs-plain", Map.of("mappings", Map.of("properties", Map.of("emb", Map.of("type", "dense_vector", "dims", DIMS,
            "index_options", Map.of("type", "hnsw")), "text", Map.of("type", "keyword"))))).ok();
    }

    private static void index(EsHttp es, String index, String model, float[][] vectors) throws Exception {
        es.put(index, Map.of("settings", Map.of("number_of_shards", 2), "mappings", Map.of("properties", Map.of(
            "emb", Map.of("type", "dense_vector", "dims", DIMS, "similarity", "cosine", "index_options", Map.of("type", "hnsw"),
                "meta", Map.of("latent_model", model)),
            "group", Map.of("type", "keyword"), "text", Map.of("type", "text"))))).ok();
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < DOCS; i++) {
            bulk.append(EsHttp.JSON.writeValueAsString(Map.of("index", Map.of("_index", index, "_id", "d" + i)))).append('\n');
            bulk.append(EsHttp.JSON.writeValueAsString(Map.of("emb", vectors[i], "group", i % 2 == 0 ? "even" : "odd", "text",
                i == 42 ? "the answer" : "filler"))).append('\n');
        }
        assertFalse(es.post("_bulk?refresh=true", bulk.toString()).ok().path("errors").asBoolean());
    }

    private static Map<String, Object> latentKnn(float[] vector, Map<String, Object> extra) {
        Map<String, Object> q = new LinkedHashMap<>(Map.of("field", "emb", "query_vector", vector, "model", "new", "k", 5,
            "num_candidates", 50));
        q.putAll(extra);
        return Map.of("latent_knn", q);
    }

    private static List<String> hitIds(JsonNode response) {
        List<String> out = new ArrayList<>();
        for (JsonNode hit : response.path("hits").path("hits")) {
            out.add(hit.path("_index").asText() + "/" + hit.path("_id").asText());
        }
        return out;
    }

    @Test
    void latentKnnEqualsNativeKnnOnTheTranslatedVector() {
        EsHttp es = CLUSTER.http();
        float[] query = SOURCE[7];
        JsonNode latent = es.post("docs-old/_search", Map.of("query", latentKnn(query, Map.of()), "size", 5)).ok();
        float[] translated = toFloats(es.post("_latent/_translate", Map.of("from", "new", "to", "old", "vectors", List.of(query),
            "normalize", true)).ok().path("vectors").get(0));
        JsonNode nativeKnn = es.post("docs-old/_search", Map.of("query", Map.of("knn", Map.of("field", "emb", "query_vector", translated,
            "k", 5, "num_candidates", 50)), "size", 5)).ok();
        assertEquals(hitIds(nativeKnn), hitIds(latent));
        assertEquals("docs-old/d7", hitIds(latent).get(0), "the item's own document comes first");
        for (int i = 0; i < hitIds(latent).size(); i++) {
            assertEquals(nativeKnn.path("hits").path("hits").get(i).path("_score").asDouble(),
                latent.path("hits").path("hits").get(i).path("_score").asDouble(), 1e-6);
        }
    }

    @Test
    void oneSearchTranslatesPerIndexModel() {
        JsonNode r = CLUSTER.http().post("docs-old,docs-new/_search", Map.of("query", latentKnn(SOURCE[12], Map.of("k", 3)), "size", 10))
            .ok();
        List<String> hits = hitIds(r);
        assertTrue(hits.contains("docs-old/d12") && hits.contains("docs-new/d12"), "each index answered with its own model: " + hits);
        assertTrue(r.path("hits").path("hits").get(0).path("_score").asDouble() > 0.99, r.toString());
    }

    @Test
    void filterBoostNameAndHybridBool() {
        EsHttp es = CLUSTER.http();
        JsonNode filtered = es.post("docs-old/_search", Map.of("query", latentKnn(SOURCE[7], Map.of("filter", Map.of("term", Map.of("group",
            "even")))), "size", 5)).ok();
        for (JsonNode hit : filtered.path("hits").path("hits")) {
            int doc = Integer.parseInt(hit.path("_id").asText().substring(1));
            assertEquals(0, doc % 2, "the filter holds: " + hit);
        }
        double plain = es.post("docs-old/_search", Map.of("query", latentKnn(SOURCE[8], Map.of()), "size", 1)).ok().path("hits")
            .path("hits").get(0).path("_score").asDouble();
        JsonNode boosted = es.post("docs-old/_search", Map.of("query", latentKnn(SOURCE[8], Map.of("boost", 3.0, "_name", "translated")),
            "size", 1)).ok();
        JsonNode top = boosted.path("hits").path("hits").get(0);
        assertEquals(3 * plain, top.path("_score").asDouble(), 1e-4);
        assertEquals("translated", top.path("matched_queries").get(0).asText(), top.toString());
        JsonNode hybrid = es.post("docs-old/_search", Map.of("query", Map.of("bool", Map.of("should", List.of(latentKnn(SOURCE[8],
            Map.of()), Map.of("match", Map.of("text", "answer"))))), "size", 10)).ok();
        List<String> hits = hitIds(hybrid);
        assertTrue(hits.contains("docs-old/d8") && hits.contains("docs-old/d42"), "both clauses contribute: " + hits);
    }

    @Test
    void queryVectorBuilderInTopLevelKnnAndInTheKnnQuery() {
        EsHttp es = CLUSTER.http();
        Map<String, Object> builder = Map.of("latent_translation", Map.of("vector", SOURCE[9], "model", "new", "target_model", "old"));
        JsonNode top = es.post("docs-old/_search", Map.of("knn", Map.of("field", "emb", "k", 3, "num_candidates", 30,
            "query_vector_builder", builder))).ok();
        assertEquals("docs-old/d9", hitIds(top).get(0));
        JsonNode query = es.post("docs-old/_search", Map.of("query", Map.of("knn", Map.of("field", "emb", "k", 3, "num_candidates", 30,
            "query_vector_builder", builder)))).ok();
        assertEquals("docs-old/d9", hitIds(query).get(0));
    }

    @Test
    void otherSearchEndpoints() throws Exception {
        EsHttp es = CLUSTER.http();
        Map<String, Object> query = latentKnn(SOURCE[7], Map.of());
        // the knn query (not the top-level knn section) finds k per shard: 2 shards x k=5
        assertEquals(10, es.post("docs-old/_count", Map.of("query", query)).ok().path("count").asInt());
        String ms = "{\"index\":\"docs-old\"}\n" + EsHttp.JSON.writeValueAsString(Map.of("query", query, "size", 1)) + "\n"
            + "{\"index\":\"docs-new\"}\n" + EsHttp.JSON.writeValueAsString(Map.of("query", query, "size", 1)) + "\n";
        JsonNode msearch = es.post("_msearch", ms).ok().path("responses");
        assertEquals("d7", msearch.get(0).path("hits").path("hits").get(0).path("_id").asText());
        assertEquals("d7", msearch.get(1).path("hits").path("hits").get(0).path("_id").asText());
        assertTrue(es.post("docs-old/_validate/query", Map.of("query", query)).ok().path("valid").asBoolean());
        JsonNode explain = es.post("docs-old/_explain/d7", Map.of("query", query)).ok();
        assertTrue(explain.path("matched").asBoolean(), explain.toString());
    }

    @Test
    void inverseRelativeNeedsNoFittedTranslator() {
        EsHttp es = CLUSTER.http();
        es.post("_latent/model/lonely/_anchors", Map.of("ids", ids(0, N), "vectors", rows(TARGET, 0, N))).ok();
        Map<String, Object> body = Map.of("query", Map.of("latent_knn", Map.of("field", "emb", "query_vector", SOURCE[11], "model", "new",
            "field_model", "lonely", "method", "inverse_relative", "k", 3)), "size", 3);
        assertEquals("docs-old/d11", hitIds(es.post("docs-old/_search", body).ok()).get(0));
    }

    @Test
    void aFieldIsFoundAsElasticsearchFindsIt() throws Exception {
        EsHttp es = CLUSTER.http();
        // a dotted name held literally under subobjects: false, and an alias of it
        es.put("docs-flat", Map.of("mappings", Map.of("properties", Map.of("a", Map.of("type", "object", "subobjects", false,
            "properties", Map.of("x.emb", Map.of("type", "dense_vector", "dims", DIMS, "similarity", "cosine", "meta",
                Map.of("latent_model", "old")))), "alias_emb", Map.of("type", "alias", "path", "a.x.emb"), "bytes", Map.of("type",
            "dense_vector", "dims", DIMS, "element_type", "byte", "meta", Map.of("latent_model", "old")))))).ok();
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            bulk.append(EsHttp.JSON.writeValueAsString(Map.of("index", Map.of("_index", "docs-flat", "_id", "f" + i)))).append('\n');
            bulk.append(EsHttp.JSON.writeValueAsString(Map.of("a.x.emb", TARGET[i]))).append('\n');
        }
        assertFalse(es.post("_bulk?refresh=true", bulk.toString()).ok().path("errors").asBoolean());
        float[] translated = toFloats(es.post("_latent/_translate", Map.of("from", "new", "to", "old", "vectors", List.of(SOURCE[4]),
            "normalize", true)).ok().path("vectors").get(0));
        JsonNode nativeKnn = es.post("docs-flat/_search", Map.of("knn", Map.of("field", "a.x.emb", "query_vector", translated, "k", 3,
            "num_candidates", 20))).ok();
        assertEquals("f4", nativeKnn.path("hits").path("hits").get(0).path("_id").asText(), nativeKnn.toString());
        for (String field : List.of("a.x.emb", "alias_emb")) {
            JsonNode latent = es.post("docs-flat/_search", Map.of("query", Map.of("latent_knn", Map.of("field", field, "query_vector",
                SOURCE[4], "model", "new", "k", 3, "num_candidates", 20)))).ok();
            assertEquals(hitIds(nativeKnn), hitIds(latent), field);
        }
        refused(es.post("docs-flat/_search", Map.of("query", Map.of("latent_knn", Map.of("field", "bytes", "query_vector", SOURCE[4],
            "model", "new")))), 400, "field [bytes] of index [docs-flat] has [element_type: byte]");
    }

    @Test
    void malformedOptionsAreRefusedByName() {
        EsHttp es = CLUSTER.http();
        for (String field : List.of("field", "model", "role", "k", "num_candidates", "method", "similarity", "field_model", "boost",
            "_name", "filter", "query_vector")) {
            Map<String, Object> q = new LinkedHashMap<>(Map.of("field", "emb", "query_vector", SOURCE[1], "model", "new"));
            q.put(field, null);
            EsResponse r = es.post("docs-old/_search", Map.of("query", Map.of("latent_knn", q)));
            assertEquals(400, r.status(), field + " = null -> " + r.body());
            assertTrue(r.body().contains(field) && r.body().contains("VALUE_NULL"), "the error names [" + field + "]: " + r.body());
        }
        refused(es.post("docs-old/_search", Map.of("query", latentKnn(SOURCE[1], Map.of("k", 10_001, "num_candidates", 10_000)))),
            400, "[k] must be at most [10000]");
        refused(es.post("docs-old/_search", Map.of("query", latentKnn(SOURCE[1], Map.of("similarity", "NaN")))), 400,
            "[similarity] must be a finite number");
        refused(es.post("docs-old/_search", "{\"query\":{\"latent_knn\":{\"field\":\"emb\",\"model\":\"new\",\"query_vector\":"
            + Arrays.toString(SOURCE[1]) + ",\"similarity\":1e39}}}"), 400, "[similarity] must be a finite number");
    }

    private static void refused(EsResponse r, int status, String fragment) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.body().contains(fragment), "[" + fragment + "] not in " + r.body());
    }

    @Test
    void badInputIsRefusedWithAReason() {
        EsHttp es = CLUSTER.http();
        float[] q = SOURCE[1];
        refused(es.post("docs-old/_search", Map.of("query", latentKnn(q, Map.of("model", "nope")))), 404, "latent model [nope] not found");
        refused(es.post("docs-old/_search", Map.of("query", latentKnn(q, Map.of("field", "group")))), 400,
            "is of type [keyword], not [dense_vector]");
        refused(es.post("docs-plain/_search", Map.of("query", latentKnn(q, Map.of()))), 400, "names no model");
        refused(es.post("docs-old/_search", Map.of("query", latentKnn(new float[] {1, 2, 3}, Map.of()))), 400,
            "[query_vector] has wrong dimensions");
        refused(es.post("docs-old/_search", "{\"query\":{\"latent_knn\":{\"field\":\"emb\",\"model\":\"new\",\"query_vector\":[1e60]}}}"),
            400, "must be a finite number");
        refused(es.post("docs-old/_search", Map.of("query", latentKnn(q, Map.of("k", 0)))), 400, "[k] must be at least 1");
        refused(es.post("docs-old/_search", Map.of("query", latentKnn(q, Map.of("k", 10, "num_candidates", 5)))), 400, "[num_candidates]");
        refused(es.post("docs-old/_search", Map.of("query", latentKnn(q, Map.of("num_candidates", 20000)))), 400, "[num_candidates]");
        refused(es.post("docs-old/_search", Map.of("query", latentKnn(q, Map.of("method", "magic")))), 400, "[method]");
        refused(es.post("docs-old/_search", Map.of("query", latentKnn(q, Map.of("colour", "red")))), 400, "unknown field [colour]");
        es.put("_latent/model/other", Map.of("dims", DIMS)).ok();
        refused(es.post("docs-old/_search", Map.of("query", latentKnn(q, Map.of("field_model", "other")))), 400,
            "PUT /_latent/translator/new/other");
        es.post("_latent/model/other/_anchors", Map.of("ids", List.of("a0", "a1", "a2"), "vectors", rows(TARGET, 0, 3))).ok();
        refused(es.post("docs-old/_search", Map.of("query", latentKnn(q, Map.of("field_model", "other", "method", "inverse_relative")))),
            400, "share [3] anchors");
    }
}
