package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latentbridge.it.SyntheticAnchors.ids;
import static org.latentbridge.it.SyntheticAnchors.rows;

/**
 * Translators from a handful of paired anchors plus pools of unpaired vectors on a real node: pools imported from an
 * index with {@code _pool}, shown by GET model, a {@code functional_map} fit from 10 pairs whose {@code latent_knn} hits
 * overlap a native kNN with the true vectors, {@code auto} choosing it, and the errors of uploads and fits.
 *
 * <p>The items have shape (6 clusters of 10 groups of 10 close items, in 32 dimensions); the target model is a random
 * rotation of the source plus 1% noise, and both pools hold the same 600 items, whose pairing the fit is not told. With
 * 12 or more clusters the functional map's recovery from 10 pairs depended on the order of floating-point sums (it
 * differed between the SIMD and scalar kernels), so the test would have measured luck rather than the plugin.
 */
class PoolFitIT {
    private static final int DIMS = 32, POOL = 600, PAIRS = 10, QUERIES = 20, CAP = 1000;
    /** Pool items, then the paired anchors' items, then the query items: each query's 10 true neighbours are in the pool. */
    private static final float[][] SOURCE = SyntheticAnchors.clustered(POOL + PAIRS + QUERIES, DIMS, 6, 60, new Random(31));
    private static final float[][] TARGET = SyntheticAnchors.rotatedWithNoise(SOURCE,
        SyntheticAnchors.rotation(DIMS, new Random(32)), 0.01, new Random(33));

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("pool-fit").nodes(1)
        .setting("latent_bridge.pool.max_vectors", Integer.toString(CAP)).build();

    @BeforeAll
    static void modelsAnchorsAndCorpus() throws Exception {
        EsHttp es = CLUSTER.http();
        for (String model : List.of("s", "t")) {
            es.put("_latent/model/" + model, Map.of("dims", DIMS)).ok();
        }
        es.post("_latent/model/s/_anchors", Map.of("ids", ids(POOL, POOL + PAIRS), "vectors", rows(SOURCE, POOL, POOL + PAIRS))).ok();
        es.post("_latent/model/t/_anchors", Map.of("ids", ids(POOL, POOL + PAIRS), "vectors", rows(TARGET, POOL, POOL + PAIRS))).ok();
        // the corpus holds each item's vector of both models: the target's is searched, both are imported as pools
        es.put("corpus", Map.of("mappings", Map.of("properties", Map.of(
            "t_emb", Map.of("type", "dense_vector", "dims", DIMS, "similarity", "cosine", "index_options", Map.of("type", "hnsw"),
                "meta", Map.of("latent_model", "t")),
            "s_emb", Map.of("type", "dense_vector", "dims", DIMS, "index", false))))).ok();
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < POOL; i++) {
            bulk.append(EsHttp.JSON.writeValueAsString(Map.of("index", Map.of("_index", "corpus", "_id", "p" + i)))).append('\n');
            bulk.append(EsHttp.JSON.writeValueAsString(Map.of("s_emb", SOURCE[i], "t_emb", TARGET[i]))).append('\n');
        }
        assertFalse(es.post("_bulk?refresh=true", bulk.toString()).ok().path("errors").asBoolean());
        for (String model : List.of("s", "t")) {
            JsonNode pool = es.post("_latent/model/" + model + "/_pool", Map.of("source", Map.of("index", "corpus", "field",
                model + "_emb", "id_field", "_id"))).ok();
            assertEquals(POOL, pool.path("vectors").asInt(), pool.toString());
            assertEquals(POOL, pool.path("added").asInt(), pool.toString());
            assertEquals("document", pool.path("role").asText(), pool.toString());
        }
    }

    @Test
    void poolsAreShownPerRoleWithTheirGeneration() {
        JsonNode model = CLUSTER.http().get("_latent/model/s").ok();
        JsonNode role = model.path("roles").path("document");
        assertEquals(PAIRS, role.path("anchors").asInt(), model.toString());
        assertEquals(POOL, role.path("pool").path("vectors").asInt(), model.toString());
        assertNotEquals(0, role.path("pool").path("generation").asLong(), model.toString());
    }

    @Test
    void aFunctionalMapFromTenPairsSearchesLikeTheTrueVectors() {
        EsHttp es = CLUSTER.http();
        JsonNode fit = es.put("_latent/translator/s/t", Map.of("method", "functional_map")).ok();
        assertEquals("functional_map", fit.path("method").asText(), fit.toString());
        JsonNode pools = fit.path("pools");
        assertEquals(POOL, pools.path("source_pool").asInt(), fit.toString());
        assertEquals(POOL, pools.path("target_pool").asInt(), fit.toString());
        assertTrue(pools.path("recovered").asBoolean(), fit.toString());
        assertTrue(pools.path("recovered_pairs").asInt() > POOL / 2, fit.toString());
        assertTrue(pools.path("mutual_match_share").asDouble() > 0.5, fit.toString());
        assertTrue(pools.path("pair_weight").asDouble() >= 0 && pools.path("rounds").asInt() > 0, fit.toString());
        JsonNode pool = es.get("_latent/model/s").ok().path("roles").path("document").path("pool");
        assertEquals(pool.path("generation").asLong(), pools.path("source_pool_generation").asLong(), pool + " vs " + fit);

        double overlap = meanOverlapAt10();
        System.out.printf(Locale.ROOT, "PoolFitIT: functional_map from %d pairs + pools of %d: latent_knn top-10 overlap with native "
            + "kNN on the true vectors %.3f (%d queries)%n", PAIRS, POOL, overlap, QUERIES);
        assertTrue(overlap >= 0.8, "latent_knn finds what native kNN with the true vectors finds: " + overlap);

        // auto, with 10 shared anchors in 32 dimensions and both pools, takes functional_map and says why
        JsonNode auto = es.put("_latent/translator/s/t", Map.of()).ok();
        assertEquals("functional_map", auto.path("method").asText(), auto.toString());
        assertTrue(auto.path("selection").asText().contains("functional_map"), auto.toString());
        JsonNode stored = es.get("_latent/translator/s/t").ok();
        assertEquals(POOL, stored.path("pools").path("target_pool").asInt(), stored.toString());
    }

    /** Mean share of native kNN's top 10 (the true target vector of each query item) that latent_knn also returns. */
    private static double meanOverlapAt10() {
        EsHttp es = CLUSTER.http();
        double overlap = 0;
        for (int q = POOL + PAIRS; q < POOL + PAIRS + QUERIES; q++) {
            Map<String, Object> latent = new LinkedHashMap<>(Map.of("field", "t_emb", "query_vector", SOURCE[q], "model", "s", "k", 10,
                "num_candidates", 100));
            Set<String> translated = hitIds(es.post("corpus/_search", Map.of("query", Map.of("latent_knn", latent), "size", 10)).ok());
            Set<String> truth = hitIds(es.post("corpus/_search", Map.of("knn", Map.of("field", "t_emb", "query_vector", TARGET[q], "k", 10,
                "num_candidates", 100), "size", 10)).ok());
            assertEquals(10, truth.size());
            truth.retainAll(translated);
            overlap += truth.size() / 10.0;
        }
        return overlap / QUERIES;
    }

    private static Set<String> hitIds(JsonNode response) {
        Set<String> ids = new HashSet<>();
        for (JsonNode hit : response.path("hits").path("hits")) {
            ids.add(hit.path("_id").asText());
        }
        return ids;
    }

    @Test
    void poolUploadsAreCheckedAsAnchorsAreAndCapped() {
        EsHttp es = CLUSTER.http();
        es.put("_latent/model/u", Map.of("dims", DIMS)).ok();
        refused(es.post("_latent/model/nope/_pool", Map.of("ids", List.of("x"), "vectors", List.of(SOURCE[0]))), 404, "[nope]");
        refused(es.post("_latent/model/u/_pool", Map.of("role", "passage", "ids", List.of("x"), "vectors", List.of(SOURCE[0]))), 400,
            "has no role [passage]");
        refused(es.post("_latent/model/u/_pool", Map.of("ids", List.of("x"), "vectors", List.of(new float[DIMS - 1]))), 400,
            "[vectors][0] has wrong dimensions: expected [" + DIMS + "] but got [" + (DIMS - 1) + "]");
        float[] nan = SOURCE[0].clone();
        nan[3] = Float.NaN;
        refused(es.post("_latent/model/u/_pool", Map.of("ids", List.of("x"), "vectors", List.of(SyntheticAnchors.base64(nan)))), 400,
            "must be a finite number");
        refused(es.post("_latent/model/u/_pool", Map.of("ids", List.of("x", "x"), "vectors", List.of(SOURCE[0], SOURCE[1]))), 400,
            "duplicate id [x]");
        refused(es.post("_latent/model/u/_pool", Map.of("source", Map.of("index", "corpus", "field", "s_emb", "id_field", "_id",
            "max_anchors", 10))), 400, "unknown field [max_anchors]");

        refused(es.post("_latent/model/u/_pool", Map.of("ids", ids(0, 700), "vectors", rows(SOURCE, 0, 600))), 400,
            "[ids] and [vectors] must have the same length");
        JsonNode first = es.post("_latent/model/u/_pool", Map.of("ids", ids(0, 600), "vectors", rows(SOURCE, 0, 600))).ok();
        assertEquals(600, first.path("vectors").asInt(), first.toString());
        refused(es.post("_latent/model/u/_pool", Map.of("ids", ids(600, 1030), "vectors", rows(SOURCE, 0, 430))), 400,
            "may hold at most [" + CAP + "] vectors ([latent_bridge.pool.max_vectors]); it holds [600] and the request sent [430]");
        // a capped import takes a sample that fits
        JsonNode sampled = es.post("_latent/model/u/_pool", Map.of("source", Map.of("index", "corpus", "field", "s_emb", "id_field",
            "_id", "max_vectors", 50, "seed", 7))).ok();
        assertEquals(650, sampled.path("vectors").asInt(), sampled.toString());

        JsonNode deleted = es.delete("_latent/model/u/_pool?role=document").ok();
        assertEquals(650, deleted.path("deleted").asInt(), deleted.toString());
        assertFalse(es.get("_latent/model/u").ok().toString().contains("\"pool\""), "the pool is gone");
        refused(es.delete("_latent/model/u/_pool"), 404, "has no pool for role [document]");
    }

    @Test
    void poolFitsNeedFivePairsAndBothPools() {
        EsHttp es = CLUSTER.http();
        for (String model : List.of("few-s", "few-t", "no-pool")) {
            es.put("_latent/model/" + model, Map.of("dims", DIMS)).ok();
        }
        es.post("_latent/model/few-s/_anchors", Map.of("ids", ids(POOL, POOL + 4), "vectors", rows(SOURCE, POOL, POOL + 4))).ok();
        es.post("_latent/model/few-t/_anchors", Map.of("ids", ids(POOL, POOL + 4), "vectors", rows(TARGET, POOL, POOL + 4))).ok();
        es.post("_latent/model/few-s/_pool", Map.of("ids", ids(0, 300), "vectors", rows(SOURCE, 0, 300))).ok();
        es.post("_latent/model/few-t/_pool", Map.of("ids", ids(0, 300), "vectors", rows(TARGET, 0, 300))).ok();
        refused(es.put("_latent/translator/few-s/few-t", Map.of("method", "functional_map")), 400, "at least [5] paired anchors");
        refused(es.put("_latent/translator/few-s/few-t", Map.of("method", "gromov_wasserstein")), 400, "at least [5] paired anchors");

        es.post("_latent/model/no-pool/_anchors", Map.of("ids", ids(POOL, POOL + PAIRS), "vectors", rows(TARGET, POOL, POOL + PAIRS)))
            .ok();
        refused(es.put("_latent/translator/s/no-pool", Map.of("method", "functional_map")), 400,
            "latent model [no-pool] has no pool of unpaired vectors for role [document]; upload one with POST "
                + "/_latent/model/no-pool/_pool");
        es.get("_latent/translator/s/no-pool").expectStatus(404);
    }

    private static void refused(EsResponse r, int status, String fragment) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.body().contains(fragment), "[" + fragment + "] not in " + r.body());
    }
}
