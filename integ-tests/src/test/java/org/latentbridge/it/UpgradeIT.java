package org.latentbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

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
    private static final int DOCS = 100;

    @Test
    void modelsAnchorsTranslatorsAndPipelinesSurviveAnUpgradeFrom819() throws Exception {
        assumeTrue(ItEnvironment.esMajor() >= 9, "the upgrade starts on 8.19 and ends on the line under test");
        UpgradeFixture fixture = new UpgradeFixture(new Random(61));

        JsonNode translatorBefore, translatedBefore, modelsBefore;
        List<List<String>> hitsBefore;
        ElasticsearchCluster old = ElasticsearchCluster.builder("upgrade").line(ItEnvironment.es8Line()).build();
        try (old) {
            old.start();
            EsHttp es = old.http();
            fixture.storeModelsTranslatorAndPipeline(es);
            fixture.createIndex(es, "docs", 1, 0, "hnsw", DOCS);
            modelsBefore = es.get("_latent/model").ok();
            translatorBefore = es.get("_latent/translator/new/old").ok();
            translatedBefore = fixture.translatedQueries(es);
            hitsBefore = fixture.latentKnnHits(es, "docs");
        }

        ElasticsearchCluster upgraded = ElasticsearchCluster.builder("upgrade").dataOf(old).build();
        try (upgraded) {
            upgraded.start();
            EsHttp es = upgraded.http();
            assertEquals(ItEnvironment.esVersion(), es.get("_nodes").ok().path("nodes").elements().next().path("version").asText());
            assertEquals(modelsBefore, es.get("_latent/model").ok(), "models and their anchor counts");
            assertEquals(translatorBefore, es.get("_latent/translator/new/old").ok(), "the stored fit report");
            UpgradeFixture.assertSameVectors(translatedBefore, fixture.translatedQueries(es), "translated queries");
            assertEquals(hitsBefore, fixture.latentKnnHits(es, "docs"), "latent_knn hits");
            assertEquals("d3", hitsBefore.get(3).get(0), "the item's own document comes first");

            // The pipeline made on 8.19 runs on 9.x, and the store takes new anchors and fits.
            es.put("docs/_doc/new-0?pipeline=to-old&refresh=true", Map.of("emb", fixture.source[0])).expectStatus(201);
            JsonNode hit = es.post("docs/_search", Map.of("query", Map.of("knn", Map.of("field", "emb", "query_vector", fixture.target[0],
                "k", 2, "num_candidates", 20)), "size", 2)).ok().path("hits").path("hits");
            assertTrue(List.of("d0", "new-0").contains(hit.get(0).path("_id").asText()) && hit.get(0).path("_score").asDouble() > 0.999,
                "the document translated by the 8.19 pipeline lands on its item: " + hit);
            es.post("_latent/model/new/_anchors", Map.of("ids", List.of("extra"), "vectors", List.of(fixture.source[0]))).ok();
            JsonNode refit = es.put("_latent/translator/new/old", Map.of("method", "orthogonal")).ok();
            assertTrue(refit.path("metrics").path("orthogonal").path("top1").asDouble() > 0.99, refit.toString());
        }
    }
}
