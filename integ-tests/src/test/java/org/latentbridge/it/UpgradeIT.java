package org.latentbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.latentbridge.it.SyntheticAnchors.ids;
import static org.latentbridge.it.SyntheticAnchors.rows;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A full-cluster-restart upgrade from 8.19.21 to the 9.x line with the plugin installed: the 8.19 node (8.19 zip, Java
 * 17) stores models, anchors and a translator and indexes documents; the 9.x node (9.x zip) starts on a copy of its
 * data. Everything the plugin stored must read back the same, translate to the same vectors, search to the same hits,
 * and stay writable. Runs in the 9.x execution only: the 8.19 line has nothing to upgrade to.
 */
class UpgradeIT {
    private static final int DIMS = 16, N = 300, DOCS = 100;

    @Test
    void modelsAnchorsTranslatorsAndPipelinesSurviveAnUpgradeFrom819() throws Exception {
        assumeTrue(ItEnvironment.esMajor() >= 9, "the upgrade starts on 8.19 and ends on the line under test");
        double[][] rotation = SyntheticAnchors.rotation(DIMS, new Random(61));
        float[][] source = SyntheticAnchors.gaussian(N, DIMS, 0.3, new Random(62));
        float[][] target = new float[N][];
        for (int i = 0; i < N; i++) {
            target[i] = SyntheticAnchors.rotate(source[i], rotation, 2);
        }
        List<float[]> queries = rows(source, 0, 20);
        Map<String, Object> translate = Map.of("from", "new", "to", "old", "vectors", queries, "normalize", true);

        JsonNode translatorBefore, translatedBefore, modelsBefore;
        List<List<String>> hitsBefore = new ArrayList<>();
        ElasticsearchCluster old = ElasticsearchCluster.builder("upgrade").line(ItEnvironment.es8Line()).build();
        try (old) {
            old.start();
            EsHttp es = old.http();
            es.put("_latent/model/new", Map.of("dims", DIMS)).ok();
            es.put("_latent/model/old", Map.of("dims", DIMS)).ok();
            es.post("_latent/model/new/_anchors", Map.of("ids", ids(0, N), "vectors", rows(source, 0, N))).ok();
            es.post("_latent/model/old/_anchors", Map.of("ids", ids(0, N), "vectors", rows(target, 0, N))).ok();
            es.put("_latent/translator/new/old", Map.of("method", "orthogonal")).ok();
            es.put("docs", Map.of("settings", Map.of("number_of_replicas", 0), "mappings", Map.of("properties", Map.of("emb", Map.of("type", "dense_vector", "dims", DIMS,
                "similarity", "cosine", "index_options", Map.of("type", "hnsw"), "meta", Map.of("latent_model", "old")))))).ok();
            StringBuilder bulk = new StringBuilder();
            for (int i = 0; i < DOCS; i++) {
                bulk.append("{\"index\":{\"_id\":\"d").append(i).append("\"}}\n")
                    .append(EsHttp.JSON.writeValueAsString(Map.of("emb", target[i]))).append('\n');
            }
            assertFalse(es.post("docs/_bulk?refresh=true", bulk.toString()).ok().path("errors").asBoolean());
            es.put("_ingest/pipeline/to-old", Map.of("processors", List.of(Map.of("latent_translate", Map.of("field", "emb", "from",
                "new", "to", "old"))))).ok();

            modelsBefore = es.get("_latent/model").ok();
            translatorBefore = es.get("_latent/translator/new/old").ok();
            translatedBefore = es.post("_latent/_translate", translate).ok().path("vectors");
            for (float[] q : queries) {
                hitsBefore.add(hitIds(es.post("docs/_search", latentKnn(q)).ok()));
            }
        }

        ElasticsearchCluster upgraded = ElasticsearchCluster.builder("upgrade").dataOf(old).build();
        try (upgraded) {
            upgraded.start();
            EsHttp es = upgraded.http();
            assertEquals(ItEnvironment.esVersion(), es.get("_nodes").ok().path("nodes").elements().next().path("version").asText());
            assertEquals(modelsBefore, es.get("_latent/model").ok(), "models and their anchor counts");
            assertEquals(translatorBefore, es.get("_latent/translator/new/old").ok(), "the stored fit report");
            // The same stored translator and the same core; only the kernels may differ (plain Java on the 8.19 node's Java
            // 17, the Vector API on 9.x), which reorders float sums: equal to 1e-5 per component of a unit vector.
            JsonNode translatedAfter = es.post("_latent/_translate", translate).ok().path("vectors");
            for (int i = 0; i < queries.size(); i++) {
                for (int j = 0; j < DIMS; j++) {
                    assertEquals(translatedBefore.get(i).get(j).asDouble(), translatedAfter.get(i).get(j).asDouble(), 1e-5,
                        "translated vector " + i + "[" + j + "]");
                }
            }
            for (int i = 0; i < queries.size(); i++) {
                assertEquals(hitsBefore.get(i), hitIds(es.post("docs/_search", latentKnn(queries.get(i))).ok()), "hits of query " + i);
            }
            assertEquals("d3", hitsBefore.get(3).get(0), "the item's own document comes first");

            // The pipeline made on 8.19 runs on 9.x, and the store takes new anchors and fits.
            es.put("docs/_doc/new-0?pipeline=to-old&refresh=true", Map.of("emb", source[0])).expectStatus(201);
            JsonNode hit = es.post("docs/_search", Map.of("query", Map.of("knn", Map.of("field", "emb", "query_vector", target[0], "k", 2,
                "num_candidates", 20)), "size", 2)).ok().path("hits").path("hits");
            assertTrue(List.of("d0", "new-0").contains(hit.get(0).path("_id").asText()) && hit.get(0).path("_score").asDouble() > 0.999,
                "the document translated by the 8.19 pipeline lands on its item: " + hit);
            es.post("_latent/model/new/_anchors", Map.of("ids", List.of("extra"), "vectors", List.of(source[0]))).ok();
            JsonNode refit = es.put("_latent/translator/new/old", Map.of("method", "orthogonal")).ok();
            assertTrue(refit.path("metrics").path("orthogonal").path("top1").asDouble() > 0.99, refit.toString());
        }
    }

    private static Map<String, Object> latentKnn(float[] vector) {
        return Map.of("query", Map.of("latent_knn", Map.of("field", "emb", "query_vector", vector, "model", "new", "k", 5,
            "num_candidates", 50)), "size", 5);
    }

    private static List<String> hitIds(JsonNode response) {
        List<String> out = new ArrayList<>();
        response.path("hits").path("hits").forEach(h -> out.add(h.path("_id").asText()));
        return out;
    }
}
