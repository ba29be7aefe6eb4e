package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.latentbridge.it.SyntheticAnchors.ids;
import static org.latentbridge.it.SyntheticAnchors.rows;
import static org.latentbridge.it.SyntheticAnchors.toFloats;

/**
 * The plugin's query and query vector builder through Elasticsearch's retriever API on a real node of either line:
 * {@code latent_translation} as the {@code knn} retriever's {@code query_vector_builder}, {@code latent_knn} inside
 * the {@code standard} retriever, each inside the {@code rescorer} retriever, with the retrievers' own options,
 * pagination, {@code _msearch} and bad input. Each result is compared with the same search written without the
 * plugin's help (the vector translated by {@code _translate}) or without a retriever (the body's {@code rescore}).
 */
class RetrieverIT {
    private static final int DIMS = 16, N = 300, DOCS = 100;
    private static final double SCORE_TOLERANCE = 1e-5;

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("retriever").nodes(1).build();

    static final double[][] ROTATION = SyntheticAnchors.rotation(DIMS, new Random(31));
    static final float[][] SOURCE = SyntheticAnchors.gaussian(N, DIMS, 0.3, new Random(32));
    static final float[][] TARGET = new float[N][];

    static {
        for (int i = 0; i < N; i++) {
            TARGET[i] = SyntheticAnchors.rotate(SOURCE[i], ROTATION, 2);
        }
    }

    @BeforeAll
    static void modelsTranslatorAndIndex() {
        EsHttp es = CLUSTER.http();
        es.put("_latent/model/new", Map.of("dims", DIMS)).ok();
        es.put("_latent/model/old", Map.of("dims", DIMS)).ok();
        es.post("_latent/model/new/_anchors", Map.of("ids", ids(0, N), "vectors", rows(SOURCE, 0, N))).ok();
        es.post("_latent/model/old/_anchors", Map.of("ids", ids(0, N), "vectors", rows(TARGET, 0, N))).ok();
        es.put("_latent/translator/new/old", Map.of()).ok();
        // docs holds the "old" vectors of items 0..99: a "new" query vector of item i should find d<i> first
        es.put("docs", Map.of("settings", Map.of("number_of_shards", 2), "mappings", Map.of("properties", Map.of(
            "emb", Map.of("type", "dense_vector", "dims", DIMS, "similarity", "cosine", "index_options", Map.of("type", "hnsw"),
                "meta", Map.of("latent_model", "old")),
            "group", Map.of("type", "keyword"), "text", Map.of("type", "text"))))).ok();
        // docs-new holds the "new" vectors of the same items: one search over both translates per index
        es.put("docs-new", Map.of("mappings", Map.of("properties", Map.of("emb", Map.of("type", "dense_vector", "dims", DIMS,
            "similarity", "cosine", "meta", Map.of("latent_model", "new")), "text", Map.of("type", "text"))))).ok();
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < DOCS; i++) {
            bulk.append(json(Map.of("index", Map.of("_index", "docs", "_id", "d" + i)))).append('\n');
            bulk.append(json(Map.of("emb", TARGET[i], "group", i % 2 == 0 ? "even" : "odd", "text", i % 3 == 0 ? "boosted" : "filler")))
                .append('\n');
            bulk.append(json(Map.of("index", Map.of("_index", "docs-new", "_id", "n" + i)))).append('\n');
            bulk.append(json(Map.of("emb", SOURCE[i], "text", "filler"))).append('\n');
        }
        assertFalse(es.post("_bulk?refresh=true", bulk.toString()).ok().path("errors").asBoolean());
    }

    private static String json(Object value) {
        try {
            return EsHttp.JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static float[] translated(float[] query) {
        return toFloats(CLUSTER.http().post("_latent/_translate", Map.of("from", "new", "to", "old", "vectors", List.of(query),
            "normalize", true)).ok().path("vectors").get(0));
    }

    private static Map<String, Object> latentTranslation(float[] vector, String model) {
        return Map.of("latent_translation", Map.of("vector", vector, "model", model, "target_model", "old"));
    }

    /** A knn retriever (or knn section) on {@code emb}: {@code vector} is a float[] or a query vector builder. */
    private static Map<String, Object> knn(Object vector, int k, Map<String, Object> extra) {
        Map<String, Object> knn = new LinkedHashMap<>(Map.of("field", "emb", "k", k, "num_candidates", 50));
        knn.put(vector instanceof float[] ? "query_vector" : "query_vector_builder", vector);
        knn.putAll(extra);
        return knn;
    }

    private static Map<String, Object> latentKnn(float[] vector, Map<String, Object> extra) {
        Map<String, Object> q = new LinkedHashMap<>(Map.of("field", "emb", "query_vector", vector, "model", "new", "k", 10,
            "num_candidates", 50));
        q.putAll(extra);
        return Map.of("latent_knn", q);
    }

    /** A query rescorer that lifts the documents whose text is "boosted" (every third one), so it reorders the window. */
    private static Map<String, Object> rescore(int windowSize) {
        return Map.of("window_size", windowSize, "query", Map.of("rescore_query", Map.of("match", Map.of("text", "boosted")),
            "query_weight", 1.0, "rescore_query_weight", 0.5));
    }

    private static Map<String, Object> retriever(String name, Map<String, Object> body) {
        return Map.of(name, body);
    }

    private static JsonNode search(Map<String, Object> body) {
        return CLUSTER.http().post("docs/_search", body).ok();
    }

    private static List<String> hitIds(JsonNode response) {
        List<String> out = new ArrayList<>();
        for (JsonNode hit : response.path("hits").path("hits")) {
            out.add(hit.path("_id").asText());
        }
        return out;
    }

    private static void assertSameHits(JsonNode expected, JsonNode actual) {
        assertEquals(hitIds(expected), hitIds(actual));
        for (int i = 0; i < hitIds(expected).size(); i++) {
            assertEquals(expected.path("hits").path("hits").get(i).path("_score").asDouble(),
                actual.path("hits").path("hits").get(i).path("_score").asDouble(), SCORE_TOLERANCE, "score of hit " + i);
        }
    }

    private static void refused(EsResponse r, int status, String fragment) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.body().contains(fragment), "[" + fragment + "] not in " + r.body());
        assertTrue(r.json().path("error").has("root_cause") && r.json().path("error").has("type"), "Elasticsearch's format: " + r.body());
    }

    @Test
    void latentTranslationInTheKnnRetrieverEqualsTheKnnRetrieverOnTheTranslatedVector() {
        JsonNode plugin = search(Map.of("retriever", retriever("knn", knn(latentTranslation(SOURCE[7], "new"), 5, Map.of()))));
        JsonNode plain = search(Map.of("retriever", retriever("knn", knn(translated(SOURCE[7]), 5, Map.of()))));
        assertEquals(5, hitIds(plugin).size(), plugin.toString());
        assertEquals("d7", hitIds(plugin).get(0), "the item's own document comes first");
        assertSameHits(plain, plugin);
        // and the same as the knn section of the search body, which the retriever becomes
        assertSameHits(search(Map.of("knn", knn(latentTranslation(SOURCE[7], "new"), 5, Map.of()))), plugin);
    }

    @Test
    void latentKnnInTheStandardRetrieverEqualsTheQuery() {
        JsonNode plugin = search(Map.of("retriever", retriever("standard", Map.of("query", latentKnn(SOURCE[11], Map.of()))),
            "size", 10));
        assertEquals("d11", hitIds(plugin).get(0));
        assertSameHits(search(Map.of("query", latentKnn(SOURCE[11], Map.of()), "size", 10)), plugin);
        JsonNode nativeKnn = search(Map.of("retriever", retriever("standard", Map.of("query", Map.of("knn",
            knn(translated(SOURCE[11]), 10, Map.of())))), "size", 10));
        assertSameHits(nativeKnn, plugin);
        // k per shard, then size: the same top hits as the knn retriever's k in all, which is why the standard retriever
        // around latent_knn (per-index translation, native_field) needs no retriever of the plugin's own
        JsonNode global = search(Map.of("retriever", retriever("knn", knn(latentTranslation(SOURCE[11], "new"), 5, Map.of()))));
        assertSameHits(global, search(Map.of("retriever", retriever("standard", Map.of("query", latentKnn(SOURCE[11], Map.of("k", 5)))),
            "size", 5)));
    }

    @Test
    void filterNameAndMinScore() {
        JsonNode filtered = search(Map.of("retriever", retriever("knn", knn(latentTranslation(SOURCE[8], "new"), 5,
            Map.of("filter", Map.of("term", Map.of("group", "odd")), "_name", "translated")))));
        assertEquals(5, hitIds(filtered).size(), filtered.toString());
        for (JsonNode hit : filtered.path("hits").path("hits")) {
            assertEquals(1, Integer.parseInt(hit.path("_id").asText().substring(1)) % 2, "the filter holds: " + hit);
            assertEquals("translated", hit.path("matched_queries").get(0).asText(), hit.toString());
        }
        assertFalse(hitIds(filtered).contains("d8"), "the query's own (even) document is filtered out");

        JsonNode all = search(Map.of("retriever", retriever("standard", Map.of("query", latentKnn(SOURCE[8], Map.of()))), "size", 20));
        double cut = all.path("hits").path("hits").get(4).path("_score").asDouble();
        JsonNode above = search(Map.of("retriever", retriever("standard", Map.of("query", latentKnn(SOURCE[8], Map.of()),
            "min_score", cut, "filter", List.of(Map.of("term", Map.of("group", "even"))))), "size", 20));
        assertFalse(hitIds(above).isEmpty(), above.toString());
        for (JsonNode hit : above.path("hits").path("hits")) {
            assertTrue(hit.path("_score").asDouble() >= cut - SCORE_TOLERANCE, "min_score holds: " + hit);
            assertEquals(0, Integer.parseInt(hit.path("_id").asText().substring(1)) % 2, "the filter holds: " + hit);
        }
        assertEquals("d8", hitIds(above).get(0));
    }

    @Test
    void theRescorerRetrieverEqualsTheBodysRescore() {
        // around the knn retriever: the same as the knn section plus the body's rescore
        JsonNode aroundKnn = search(Map.of("retriever", retriever("rescorer", Map.of("retriever", retriever("knn",
            knn(latentTranslation(SOURCE[9], "new"), 10, Map.of())), "rescore", rescore(10))), "size", 10));
        JsonNode bodyKnn = search(Map.of("knn", knn(translated(SOURCE[9]), 10, Map.of()), "rescore", rescore(10), "size", 10));
        assertEquals(10, hitIds(aroundKnn).size(), aroundKnn.toString());
        assertSameHits(bodyKnn, aroundKnn);
        JsonNode unrescored = search(Map.of("knn", knn(translated(SOURCE[9]), 10, Map.of()), "size", 10));
        assertFalse(hitIds(unrescored).equals(hitIds(aroundKnn)), "the rescorer reorders the window: " + hitIds(aroundKnn));
        JsonNode explained = search(Map.of("retriever", retriever("rescorer", Map.of("retriever", retriever("knn",
            knn(latentTranslation(SOURCE[9], "new"), 10, Map.of())), "rescore", rescore(10))), "size", 3, "explain", true));
        assertEquals(hitIds(aroundKnn).subList(0, 3), hitIds(explained));
        for (JsonNode hit : explained.path("hits").path("hits")) {
            assertTrue(hit.path("_explanation").has("value"), "explained through the translated vector: " + hit);
        }

        // around the standard retriever holding latent_knn: the same as the query plus the body's rescore
        JsonNode aroundStandard = search(Map.of("retriever", retriever("rescorer", Map.of("retriever", retriever("standard",
            Map.of("query", latentKnn(SOURCE[9], Map.of()))), "rescore", rescore(10))), "size", 10));
        JsonNode bodyQuery = search(Map.of("query", latentKnn(SOURCE[9], Map.of()), "rescore", rescore(10), "size", 10));
        assertSameHits(bodyQuery, aroundStandard);

        // the rescorer searches through a point in time, over indices of different models: each still gets its own vector
        JsonNode twoModels = CLUSTER.http().post("docs,docs-new/_search", Map.of("retriever", retriever("rescorer", Map.of("retriever",
            retriever("standard", Map.of("query", latentKnn(SOURCE[9], Map.of("k", 3)))), "rescore", rescore(10))), "size", 10)).ok();
        assertTrue(hitIds(twoModels).contains("d9") && hitIds(twoModels).contains("n9"), "each index answered: " + hitIds(twoModels));

        // the rescore window bounds the page, as Elasticsearch checks for every compound retriever
        refused(CLUSTER.http().post("docs/_search", Map.of("retriever", retriever("rescorer", Map.of("retriever", retriever("knn",
            knn(latentTranslation(SOURCE[9], "new"), 10, Map.of())), "rescore", rescore(10))), "size", 20)), 400,
            "[rescorer] requires [window_size: 10] be greater than or equal to [size: 20]");
    }

    @Test
    void paginationThroughRetrievers() {
        for (Map<String, Object> r : List.of(retriever("knn", knn(latentTranslation(SOURCE[3], "new"), 12, Map.of())),
            retriever("standard", Map.of("query", latentKnn(SOURCE[3], Map.of()))),
            retriever("rescorer", Map.of("retriever", retriever("knn", knn(latentTranslation(SOURCE[3], "new"), 12, Map.of())),
                "rescore", rescore(12))))) {
            List<String> whole = hitIds(search(Map.of("retriever", r, "size", 12)));
            assertEquals(12, whole.size(), r.toString());
            List<String> paged = new ArrayList<>();
            for (int from = 0; from < 12; from += 4) {
                paged.addAll(hitIds(search(Map.of("retriever", r, "from", from, "size", 4))));
            }
            assertEquals(whole, paged, "pages of 4 make the page of 12: " + r.keySet());
        }
    }

    @Test
    void msearchWithRetrievers() {
        String body = "{\"index\":\"docs\"}\n" + json(Map.of("retriever", retriever("knn", knn(latentTranslation(SOURCE[5], "new"), 3,
            Map.of())))) + "\n" + "{\"index\":\"docs\"}\n" + json(Map.of("retriever", retriever("rescorer", Map.of("retriever",
            retriever("standard", Map.of("query", latentKnn(SOURCE[6], Map.of()))), "rescore", rescore(10))), "size", 3)) + "\n"
            + "{\"index\":\"docs\"}\n" + json(Map.of("retriever", retriever("knn", knn(latentTranslation(SOURCE[5], "nope"), 3,
            Map.of())))) + "\n";
        JsonNode responses = CLUSTER.http().post("_msearch", body).ok().path("responses");
        assertEquals("d5", responses.get(0).path("hits").path("hits").get(0).path("_id").asText(), responses.get(0).toString());
        assertEquals(200, responses.get(1).path("status").asInt(), responses.get(1).toString());
        assertTrue(hitIds(responses.get(1)).contains("d6"), responses.get(1).toString());
        assertEquals(404, responses.get(2).path("status").asInt(), "one failed item keeps its status: " + responses.get(2));
    }

    @Test
    void errorsThroughRetrieversKeepTheirStatus() {
        EsHttp es = CLUSTER.http();
        Map<String, Object> unknownInKnn = retriever("knn", knn(latentTranslation(SOURCE[1], "nope"), 5, Map.of()));
        Map<String, Object> badDimsInKnn = retriever("knn", knn(latentTranslation(new float[] {1, 2, 3}, "new"), 5, Map.of()));
        Map<String, Object> unknownInStandard = retriever("standard", Map.of("query", latentKnn(SOURCE[1], Map.of("model", "nope"))));
        Map<String, Object> badDimsInStandard = retriever("standard", Map.of("query", latentKnn(new float[] {1, 2, 3}, Map.of())));
        refused(es.post("docs/_search", Map.of("retriever", unknownInKnn)), 404, "latent model [nope] not found");
        refused(es.post("docs/_search", Map.of("retriever", badDimsInKnn)), 400, "wrong dimensions");
        refused(es.post("docs/_search", Map.of("retriever", unknownInStandard)), 404, "latent model [nope] not found");
        refused(es.post("docs/_search", Map.of("retriever", badDimsInStandard)), 400, "[query_vector] has wrong dimensions");
        for (Map<String, Object> inner : List.of(unknownInKnn, unknownInStandard)) {
            refused(es.post("docs/_search", Map.of("retriever", retriever("rescorer", Map.of("retriever", inner, "rescore",
                rescore(10))))), 404, "latent model [nope] not found");
        }
        for (Map<String, Object> inner : List.of(badDimsInKnn, badDimsInStandard)) {
            refused(es.post("docs/_search", Map.of("retriever", retriever("rescorer", Map.of("retriever", inner, "rescore",
                rescore(10))))), 400, "wrong dimensions");
        }
    }

    @Test
    void numCandidatesIsOptionalOnlyOn9x() {
        Map<String, Object> knn = new LinkedHashMap<>(knn(latentTranslation(SOURCE[2], "new"), 5, Map.of()));
        knn.remove("num_candidates");
        EsResponse r = CLUSTER.http().post("docs/_search", Map.of("retriever", retriever("knn", knn)));
        if (ItEnvironment.esMajor() >= 9) {
            assertEquals("d2", hitIds(r.ok()).get(0), r.body());
        } else {
            // 8.19's knn retriever declares num_candidates required (the migration guide says so)
            refused(r, 400, "num_candidates");
        }
    }

    @Test
    void theCompoundRetrieversOfXPackAreNotInTheIntegTestDistribution() {
        // rrf, linear and text_similarity_reranker live in x-pack (rrf and linear need a license above basic): the node the
        // suite starts does not know them. If this fails, the distribution gained them and they deserve tests of their own.
        for (String name : List.of("rrf", "linear", "text_similarity_reranker")) {
            EsResponse r = CLUSTER.http().post("docs/_search", Map.of("retriever", Map.of(name, Map.of("retrievers", List.of()))));
            refused(r, 400, "unknown retriever [" + name + "]");
        }
    }

    @Test
    void theDiversifyRetrieverTakesTheBuilderToo() {
        assumeTrue(ItEnvironment.esMajor() >= 9, "the diversify (MMR) retriever is 9.x only");
        JsonNode plugin = search(Map.of("retriever", diversify(latentTranslation(SOURCE[4], "new")), "size", 5));
        assertEquals("d4", hitIds(plugin).get(0), plugin.toString());
        assertSameHits(search(Map.of("retriever", diversify(translated(SOURCE[4])), "size", 5)), plugin);
    }

    /** MMR over the knn retriever's top 10, both given the same vector (a float[] or a query vector builder). */
    private static Map<String, Object> diversify(Object vector) {
        Map<String, Object> mmr = new LinkedHashMap<>(Map.of("type", "mmr", "field", "emb", "lambda", 0.7, "rank_window_size", 10,
            "retriever", retriever("knn", knn(vector, 10, Map.of()))));
        mmr.put(vector instanceof float[] ? "query_vector" : "query_vector_builder", vector);
        return retriever("diversify", mmr);
    }
}
