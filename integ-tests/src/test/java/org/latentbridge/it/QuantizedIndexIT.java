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
import static org.latentbridge.it.SyntheticAnchors.ids;
import static org.latentbridge.it.SyntheticAnchors.rows;
import static org.latentbridge.it.SyntheticAnchors.toFloats;

/**
 * {@code latent_knn} on quantized indices: one index per {@code index_options} type ({@code bbq_hnsw}, {@code int8_hnsw},
 * {@code int4_hnsw}, {@code flat}, and the version's default mapping of a 384-dimension float {@code dense_vector}, which
 * is {@code bbq_hnsw} with {@code rescore_vector.oversample: 3} on 9.x and {@code int8_hnsw} on 8.19). On each,
 * {@code latent_knn} gives exactly the hits and scores of Elasticsearch's own {@code knn} on the {@code _translate}d vector
 * with the same {@code k}, {@code num_candidates}, {@code rescore_vector} (and {@code visit_percentage} on 9.x), also in one
 * search across two index types; the mixed path ({@code calibrated}) takes the options too; and the options' bad input is
 * refused with a 400 that names it.
 */
class QuantizedIndexIT {
    /** The smallest dimension count Elasticsearch 9.x maps to {@code bbq_hnsw} by default. */
    private static final int DIMS = 384;
    private static final int ANCHORS = 500, DOCS = 300;
    private static final List<String> TYPES = List.of("bbq_hnsw", "int8_hnsw", "int4_hnsw", "flat", "hnsw");
    private static final String DEFAULT_INDEX = "docs-default";

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("quantized").nodes(1).build();

    static final double[][] ROTATION = SyntheticAnchors.rotation(DIMS, new Random(31));
    static final float[][] SOURCE = SyntheticAnchors.gaussian(ANCHORS, DIMS, 0.3, new Random(32));
    static final float[][] TARGET = new float[ANCHORS][];

    static {
        for (int i = 0; i < ANCHORS; i++) {
            TARGET[i] = SyntheticAnchors.rotate(SOURCE[i], ROTATION, 2);
        }
    }

    @BeforeAll
    static void modelsTranslatorAndIndices() throws Exception {
        EsHttp es = CLUSTER.http();
        es.put("_latent/model/new", Map.of("dims", DIMS)).ok();
        es.put("_latent/model/old", Map.of("dims", DIMS)).ok();
        es.post("_latent/model/new/_anchors", Map.of("ids", ids(0, ANCHORS), "vectors", rows(SOURCE, 0, ANCHORS))).ok();
        es.post("_latent/model/old/_anchors", Map.of("ids", ids(0, ANCHORS), "vectors", rows(TARGET, 0, ANCHORS))).ok();
        es.put("_latent/translator/new/old", Map.of("method", "orthogonal", "seed", 1)).ok();
        for (String type : TYPES) {
            index(es, "docs-" + type, Map.of("type", type));
        }
        index(es, DEFAULT_INDEX, null);
    }

    /** An index of the "old" vectors of items 0..DOCS-1, mapped with {@code indexOptions}, or with the version's default when null. */
    private static void index(EsHttp es, String index, Map<String, Object> indexOptions) throws Exception {
        Map<String, Object> emb = new LinkedHashMap<>(Map.of("type", "dense_vector", "dims", DIMS, "similarity", "cosine", "meta",
            Map.of("latent_model", "old")));
        if (indexOptions != null) {
            emb.put("index_options", indexOptions);
        }
        es.put(index, Map.of("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0), "mappings", Map.of("properties",
            Map.of("emb", emb, "group", Map.of("type", "keyword"))))).ok();
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < DOCS; i++) {
            bulk.append(EsHttp.JSON.writeValueAsString(Map.of("index", Map.of("_index", index, "_id", "d" + i)))).append('\n');
            bulk.append(EsHttp.JSON.writeValueAsString(Map.of("emb", TARGET[i], "group", i % 2 == 0 ? "even" : "odd"))).append('\n');
        }
        assertFalse(es.post("_bulk?refresh=true", bulk.toString()).ok().path("errors").asBoolean());
    }

    private static List<String> indices() {
        List<String> out = new ArrayList<>();
        TYPES.forEach(t -> out.add("docs-" + t));
        out.add(DEFAULT_INDEX);
        return out;
    }

    /** The options under test: plain, an oversample, rescoring turned off, and (on 9.x) a visit percentage. */
    private static List<Map<String, Object>> optionSets() {
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(Map.of("k", 10, "num_candidates", 50));
        out.add(Map.of("k", 10, "num_candidates", 20, "rescore_vector", Map.of("oversample", 4.0)));
        out.add(Map.of("k", 5, "num_candidates", 40, "rescore_vector", Map.of("oversample", 0)));
        out.add(Map.of("k", 10, "num_candidates", 30, "rescore_vector", Map.of("oversample", 1.5), "filter",
            Map.of("term", Map.of("group", "even"))));
        if (ItEnvironment.esMajor() >= 9) {
            out.add(Map.of("k", 10, "num_candidates", 50, "visit_percentage", 5.0, "rescore_vector", Map.of("oversample", 2.0)));
        }
        return out;
    }

    private static float[] translate(EsHttp es, float[] query) {
        return toFloats(es.post("_latent/_translate", Map.of("from", "new", "to", "old", "vectors", List.of(query), "normalize", true))
            .ok().path("vectors").get(0));
    }

    private static JsonNode search(EsHttp es, String index, String query, Map<String, Object> body, int size) {
        return es.post(index + "/_search", Map.of("query", Map.of(query, body), "size", size)).ok();
    }

    /** Each hit's index, id and score, as the response lists them. */
    private static List<String> hits(JsonNode response) {
        List<String> out = new ArrayList<>();
        for (JsonNode hit : response.path("hits").path("hits")) {
            out.add(hit.path("_index").asText() + "/" + hit.path("_id").asText() + "@" + hit.path("_score").floatValue());
        }
        return out;
    }

    @Test
    void theDefaultMappingIsTheVersionsQuantizedType() {
        JsonNode options = CLUSTER.http().get(DEFAULT_INDEX + "/_mapping/field/emb?include_defaults=true").ok().path(DEFAULT_INDEX)
            .path("mappings").path("emb").path("mapping").path("emb").path("index_options");
        if (ItEnvironment.esMajor() >= 9) {
            assertEquals("bbq_hnsw", options.path("type").asText(), options.toString());
            assertEquals(3.0, options.path("rescore_vector").path("oversample").asDouble(), 0.0, options.toString());
        } else {
            assertEquals("int8_hnsw", options.path("type").asText(), options.toString());
        }
    }

    @Test
    void latentKnnEqualsNativeKnnOnTheTranslatedVectorOnEveryIndexType() {
        EsHttp es = CLUSTER.http();
        for (int item : new int[] {3, 17, 150}) {
            float[] translated = translate(es, SOURCE[item]);
            for (String index : indices()) {
                for (Map<String, Object> options : optionSets()) {
                    Map<String, Object> latent = new LinkedHashMap<>(options);
                    latent.putAll(Map.of("field", "emb", "query_vector", SOURCE[item], "model", "new"));
                    Map<String, Object> knn = new LinkedHashMap<>(options);
                    knn.putAll(Map.of("field", "emb", "query_vector", translated));
                    List<String> expected = hits(search(es, index, "knn", knn, 10));
                    assertFalse(expected.isEmpty(), index + " " + options);
                    assertEquals(expected, hits(search(es, index, "latent_knn", latent, 10)), index + " " + options);
                    if (options.containsKey("filter") == false) {
                        assertTrue(expected.get(0).startsWith(index + "/d" + item + "@"), "the item's own document first: " + expected);
                    }
                }
            }
        }
    }

    /**
     * One search over a quantized and a float index: Elasticsearch applies the oversample where the field is quantized and
     * ignores it where it is not, for {@code latent_knn} as for its own {@code knn}.
     */
    @Test
    void oneSearchAcrossTwoIndexTypes() {
        EsHttp es = CLUSTER.http();
        String both = "docs-bbq_hnsw,docs-flat";
        float[] translated = translate(es, SOURCE[42]);
        for (Map<String, Object> options : optionSets()) {
            Map<String, Object> latent = new LinkedHashMap<>(options);
            latent.putAll(Map.of("field", "emb", "query_vector", SOURCE[42], "model", "new"));
            Map<String, Object> knn = new LinkedHashMap<>(options);
            knn.putAll(Map.of("field", "emb", "query_vector", translated));
            List<String> expected = hits(search(es, both, "knn", knn, 20));
            assertEquals(expected, hits(search(es, both, "latent_knn", latent, 20)), options.toString());
            if (options.containsKey("filter") == false) {
                assertTrue(expected.stream().anyMatch(h -> h.startsWith("docs-bbq_hnsw/d42@")), expected.toString());
                assertTrue(expected.stream().anyMatch(h -> h.startsWith("docs-flat/d42@")), expected.toString());
            }
        }
    }

    /**
     * The mixed path ({@code calibrated}, which rewrites to the mixed query) passes the options to its knn query too: on
     * {@code bbq_hnsw} with rescoring off the candidates come from the 1-bit estimate alone, and with an oversample they
     * are rescored; either way each item's own document is found first (the mixed query scores candidates exactly).
     */
    @Test
    void theMixedPathTakesTheOptions() {
        EsHttp es = CLUSTER.http();
        for (Object oversample : List.of(0, 4.0)) {
            for (int item : new int[] {5, 77}) {
                Map<String, Object> body = new LinkedHashMap<>(Map.of("field", "emb", "query_vector", SOURCE[item], "model", "new",
                    "k", 5, "num_candidates", 20, "calibrated", true, "rescore_vector", Map.of("oversample", oversample)));
                List<String> hits = hits(search(es, "docs-bbq_hnsw", "latent_knn", body, 5));
                assertEquals(5, hits.size(), hits.toString());
                assertTrue(hits.get(0).startsWith("docs-bbq_hnsw/d" + item + "@"), oversample + ": " + hits);
            }
        }
    }

    @Test
    void badOptionsAreRefusedWithTheirName() {
        EsHttp es = CLUSTER.http();
        Map<String, Object> base = Map.of("field", "emb", "query_vector", SOURCE[1], "model", "new", "k", 5);
        Map<String, Object> lowOversample = new LinkedHashMap<>(base);
        lowOversample.put("rescore_vector", Map.of("oversample", 0.5));
        refused(es.post("docs-bbq_hnsw/_search", Map.of("query", Map.of("latent_knn", lowOversample))), 400,
            "[oversample] must be >= 1.0 or 0");
        Map<String, Object> visit = new LinkedHashMap<>(base);
        visit.put("visit_percentage", 150);
        refused(es.post("docs-bbq_hnsw/_search", Map.of("query", Map.of("latent_knn", visit))), 400, ItEnvironment.esMajor() >= 9
            ? "[latent_knn] [visit_percentage] must be within [0, 100], got [150.0]"
            : "[latent_knn] [visit_percentage] needs Elasticsearch 9.2 or later");
        if (ItEnvironment.esMajor() < 9) {
            visit.put("visit_percentage", 10);
            refused(es.post("docs-bbq_hnsw/_search", Map.of("query", Map.of("latent_knn", visit))), 400,
                "[latent_knn] [visit_percentage] needs Elasticsearch 9.2 or later");
        }
    }

    private static void refused(EsResponse r, int status, String fragment) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.body().contains(fragment), "[" + fragment + "] not in " + r.body());
    }
}
