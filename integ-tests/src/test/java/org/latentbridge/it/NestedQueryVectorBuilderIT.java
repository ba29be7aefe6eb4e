package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.ArrayList;
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
 * {@code latent_translation} with a nested {@code query_vector_builder} on a real node, with the test-only plugin's
 * {@code test_fixed_vector} installed beside Latent Bridge: a builder of another plugin nests on both lines, and on 9.x
 * Elasticsearch's own {@code lookup} of a stored vector of the query model (8.19 has no {@code lookup}: a 400 naming it).
 * The hits equal a native {@code knn} on the vector {@code _translate} gives for what the nested builder returns; a nested
 * builder's failure keeps its status and says which builder failed; a vector of the wrong length is a 400 naming both
 * models and both lengths.
 */
class NestedQueryVectorBuilderIT {
    private static final int DIMS = 16, N = 300, DOCS = 100, K = 5, CANDIDATES = 50;

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("nested-qvb").nodes(1)
        .plugins(ItEnvironment.line().pluginZip(), testPluginZip()).build();

    static final double[][] ROTATION = SyntheticAnchors.rotation(DIMS, new Random(31));
    static final float[][] SOURCE = SyntheticAnchors.gaussian(N, DIMS, 0.3, new Random(32));
    static final float[][] TARGET = new float[N][];

    static {
        for (int i = 0; i < N; i++) {
            TARGET[i] = SyntheticAnchors.rotate(SOURCE[i], ROTATION, 2);
        }
    }

    /** The test plugin's zip for the line under test (integ-tests/pom.xml sets the property per failsafe execution). */
    private static Path testPluginZip() {
        String zip = System.getProperty("latent.test.plugin.zip");
        if (zip == null) {
            throw new IllegalStateException("System property latent.test.plugin.zip is not set: run through Maven (integ-tests/pom.xml)");
        }
        return Path.of(zip);
    }

    @BeforeAll
    static void modelsTranslatorAndIndices() throws Exception {
        EsHttp es = CLUSTER.http();
        es.put("_latent/model/new", Map.of("dims", DIMS)).ok();
        es.put("_latent/model/old", Map.of("dims", DIMS)).ok();
        es.post("_latent/model/new/_anchors", Map.of("ids", ids(0, N), "vectors", rows(SOURCE, 0, N))).ok();
        es.post("_latent/model/old/_anchors", Map.of("ids", ids(0, N), "vectors", rows(TARGET, 0, N))).ok();
        es.put("_latent/translator/new/old", Map.of()).ok();
        // docs-old: "old" vectors of items 0..99, searched; docs-new: "new" vectors of the same items, looked up
        index(es, "docs-old", "old", TARGET);
        index(es, "docs-new", "new", SOURCE);
    }

    private static void index(EsHttp es, String index, String model, float[][] vectors) throws Exception {
        es.put(index, Map.of("settings", Map.of("number_of_shards", 2), "mappings", Map.of("properties", Map.of(
            "emb", Map.of("type", "dense_vector", "dims", DIMS, "similarity", "cosine", "index_options", Map.of("type", "hnsw"),
                "meta", Map.of("latent_model", model)))))).ok();
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < DOCS; i++) {
            bulk.append(EsHttp.JSON.writeValueAsString(Map.of("index", Map.of("_index", index, "_id", "d" + i)))).append('\n');
            bulk.append(EsHttp.JSON.writeValueAsString(Map.of("emb", vectors[i]))).append('\n');
        }
        assertFalse(es.post("_bulk?refresh=true", bulk.toString()).ok().path("errors").asBoolean());
    }

    private static boolean hasLookup() {
        return ItEnvironment.esMajor() >= 9;
    }

    /** {@code latent_translation} from "new" into "old" around {@code nested} (one builder: name to options). */
    private static Map<String, Object> translation(Map<String, Object> nested) {
        return translation(nested, "new", "old");
    }

    private static Map<String, Object> translation(Map<String, Object> nested, String model, String targetModel) {
        return Map.of("latent_translation", Map.of("query_vector_builder", nested, "model", model, "target_model", targetModel));
    }

    private static Map<String, Object> fixed(float[] vector) {
        return Map.of("test_fixed_vector", Map.of("vector", vector));
    }

    private static Map<String, Object> lookup(String id) {
        return Map.of("lookup", Map.of("index", "docs-new", "id", id, "path", "emb"));
    }

    /** The top-level knn section, or (query: true) the knn query, on docs-old's emb with a query vector builder. */
    private static Map<String, Object> knn(Map<String, Object> builder, boolean query) {
        Map<String, Object> knn = new LinkedHashMap<>(Map.of("field", "emb", "k", K, "num_candidates", CANDIDATES, "query_vector_builder",
            builder));
        return query ? Map.of("query", Map.of("knn", knn), "size", K) : Map.of("knn", knn, "size", K);
    }

    /** Native knn on docs-old with the vector _translate gives for {@code vector} of "new" (unit length, as the builder's). */
    private static JsonNode nativeOnTranslated(float[] vector, boolean query) {
        EsHttp es = CLUSTER.http();
        float[] translated = toFloats(es.post("_latent/_translate", Map.of("from", "new", "to", "old", "vectors", List.of(vector),
            "normalize", true)).ok().path("vectors").get(0));
        Map<String, Object> knn = new LinkedHashMap<>(Map.of("field", "emb", "k", K, "num_candidates", CANDIDATES, "query_vector",
            translated));
        return es.post("docs-old/_search", query ? Map.of("query", Map.of("knn", knn), "size", K) : Map.of("knn", knn, "size", K)).ok();
    }

    private static void assertSameHits(JsonNode expected, JsonNode actual) {
        JsonNode e = expected.path("hits").path("hits"), a = actual.path("hits").path("hits");
        assertEquals(hitIds(expected), hitIds(actual));
        assertEquals(K, a.size(), actual.toString());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(e.get(i).path("_score").asDouble(), a.get(i).path("_score").asDouble(), 1e-6, actual.toString());
        }
    }

    private static List<String> hitIds(JsonNode response) {
        List<String> out = new ArrayList<>();
        for (JsonNode hit : response.path("hits").path("hits")) {
            out.add(hit.path("_index").asText() + "/" + hit.path("_id").asText());
        }
        return out;
    }

    private static void refused(EsResponse r, int status, String fragment) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.body().contains(fragment), "[" + fragment + "] not in " + r.body());
    }

    @Test
    void anotherPluginsBuilderNestsAndEqualsNativeKnnOnTheTranslatedVector() {
        EsHttp es = CLUSTER.http();
        for (boolean query : List.of(false, true)) {
            JsonNode nested = es.post("docs-old/_search", knn(translation(fixed(SOURCE[7])), query)).ok();
            assertSameHits(nativeOnTranslated(SOURCE[7], query), nested);
            assertEquals("docs-old/d7", hitIds(nested).get(0), "the item's own document comes first");
        }
        // drawn from a seed by the plugin: the same draw here
        long seed = 1234;
        Random random = new Random(seed);
        float[] drawn = new float[DIMS];
        for (int i = 0; i < DIMS; i++) {
            drawn[i] = (float) random.nextGaussian();
        }
        JsonNode seeded = es.post("docs-old/_search", knn(translation(Map.of("test_fixed_vector", Map.of("seed", seed, "dims", DIMS))),
            false)).ok();
        assertSameHits(nativeOnTranslated(drawn, false), seeded);
    }

    /** A nested latent_translation chains: "new" into "old", then "old" into itself (unit length), as one translation. */
    @Test
    void aNestedLatentTranslationChainsIntoTheOuterModel() {
        EsHttp es = CLUSTER.http();
        JsonNode chained = es.post("docs-old/_search", knn(translation(translation(fixed(SOURCE[9])), "old", "old"), false)).ok();
        assertSameHits(nativeOnTranslated(SOURCE[9], false), chained);
        refused(es.post("docs-old/_search", knn(translation(translation(fixed(SOURCE[9])), "new", "old"), false)), 400,
            "[latent_translation] nested [latent_translation] translates into model [old], but this one translates from model [new]");
    }

    /** More like this across models: the stored "new" vector of d11, looked up, translated, finds "old" documents. */
    @Test
    void lookupOfAStoredVectorOfTheQueryModel() {
        EsHttp es = CLUSTER.http();
        if (hasLookup() == false) {
            refused(es.post("docs-old/_search", knn(translation(lookup("d11")), false)), 400,
                "unknown field [lookup]");
            return;
        }
        // the vector as lookup reads it (doc values), translated by _translate
        JsonNode stored = es.post("docs-new/_search", Map.of("query", Map.of("ids", Map.of("values", List.of("d11"))), "_source", false,
            "docvalue_fields", List.of("emb"))).ok().path("hits").path("hits").get(0).path("fields").path("emb").get(0);
        float[] vector = toFloats(stored);
        assertEquals(DIMS, vector.length, stored.toString());
        for (boolean query : List.of(false, true)) {
            JsonNode nested = es.post("docs-old/_search", knn(translation(lookup("d11")), query)).ok();
            assertSameHits(nativeOnTranslated(vector, query), nested);
            assertEquals("docs-old/d11", hitIds(nested).get(0), "the item's own document comes first");
        }
    }

    @Test
    void aFailingNestedBuilderKeepsItsStatusAndIsNamed() {
        EsHttp es = CLUSTER.http();
        for (int status : List.of(404, 503, 403)) {
            refused(es.post("docs-old/_search", knn(translation(Map.of("test_fixed_vector", Map.of("fail_status", status))), false)),
                status, "[latent_translation] nested [test_fixed_vector] failed: [test_fixed_vector] asked to fail with status [" + status
                    + "]");
        }
        if (hasLookup()) {
            refused(es.post("docs-old/_search", knn(translation(lookup("nope")), false)), 404,
                "[latent_translation] nested [lookup] failed: Document with id [nope] not found in index [docs-new]");
            refused(es.post("docs-old/_search", knn(translation(Map.of("lookup", Map.of("index", "docs-new", "id", "d1", "path",
                "missing"))), false)), 404, "[latent_translation] nested [lookup] failed: Field [missing] not found");
        }
        // no inference plugin in the integ-test distribution: text_embedding is a builder this node does not know
        refused(es.post("docs-old/_search", knn(translation(Map.of("text_embedding", Map.of("model_id", "b-endpoint", "model_text",
            "hello"))), false)), 400, "[latent_translation] failed to parse field [query_vector_builder]");
        refused(es.post("docs-old/_search", knn(translation(Map.of("text_embedding", Map.of("model_id", "b-endpoint", "model_text",
            "hello"))), false)), 400, "unknown field [text_embedding]");
    }

    @Test
    void aNestedVectorOfTheWrongLengthIsABadRequestNamingBothModels() {
        float[] longer = new float[DIMS + 3];
        longer[0] = 1;
        refused(CLUSTER.http().post("docs-old/_search", knn(translation(fixed(longer)), false)), 400,
            "[latent_translation] nested [test_fixed_vector] returned a vector of [" + (DIMS + 3) + "] dimensions, but model [new] "
                + "(translated into model [old]) has [" + DIMS + "]");
    }

    @Test
    void exactlyOneOfVectorAndNestedBuilder() {
        EsHttp es = CLUSTER.http();
        refused(es.post("docs-old/_search", knn(Map.of("latent_translation", Map.of("vector", SOURCE[1], "query_vector_builder",
            fixed(SOURCE[1]), "model", "new", "target_model", "old")), false)), 400,
            "[latent_translation] takes either [vector] or [query_vector_builder], not both");
        refused(es.post("docs-old/_search", knn(Map.of("latent_translation", Map.of("model", "new", "target_model", "old")), false)), 400,
            "[latent_translation] requires one of [vector] or [query_vector_builder]");
        refused(es.post("docs-old/_search", knn(Map.of("latent_translation", Map.of("query_vector_builder", Map.of(), "model", "new",
            "target_model", "old")), false)), 400,
            "[latent_translation] [query_vector_builder] must name one query vector builder, got none");
    }
}
