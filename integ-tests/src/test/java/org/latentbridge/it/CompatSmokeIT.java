package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
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
 * One pass through everything a user does, on whichever Elasticsearch release the run names: {@code bin/es-releases smoke}
 * runs it on the newest patch of every supported minor with that release's own zip (the default suite leaves it out:
 * the other ITs test all of this at length on its two lines). Register two models, upload anchors, fit,
 * {@code _translate}, then {@code latent_knn} (the same hits and scores as Elasticsearch's {@code knn} on the translated
 * vector; the mixed search over a native field, whose Lucene query differs between releases), and one ingest pipeline.
 * Each call touches a part of the API that differs between releases.
 */
class CompatSmokeIT {
    private static final int DIMS = 16, N = 200, DOCS = 60;

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("compat-smoke").nodes(1).build();

    static final double[][] ROTATION = SyntheticAnchors.rotation(DIMS, new Random(91));
    static final float[][] NEW = SyntheticAnchors.gaussian(N, DIMS, 0.3, new Random(92));
    static final float[][] OLD = new float[N][];

    static {
        for (int i = 0; i < N; i++) {
            OLD[i] = SyntheticAnchors.rotate(NEW[i], ROTATION, 2);
        }
    }

    @BeforeAll
    static void modelsAnchorsTranslatorAndIndex() {
        EsHttp es = CLUSTER.http();
        es.put("_latent/model/new", Map.of("dims", DIMS)).ok();
        es.put("_latent/model/old", Map.of("dims", DIMS)).ok();
        es.post("_latent/model/new/_anchors", Map.of("ids", ids(0, N), "vectors", rows(NEW, 0, N))).ok();
        es.post("_latent/model/old/_anchors", Map.of("ids", ids(0, N), "vectors", rows(OLD, 0, N))).ok();
        JsonNode fit = es.put("_latent/translator/new/old", Map.of()).ok();
        assertTrue(fit.toString().contains("\"method\""), "the fit reports its method: " + fit);
        es.put("docs", Map.of("mappings", Map.of("properties", Map.of(
            "emb", Map.of("type", "dense_vector", "dims", DIMS, "similarity", "cosine", "index_options", Map.of("type", "hnsw"),
                "meta", Map.of("latent_model", "old")),
            "emb_new", Map.of("type", "dense_vector", "dims", DIMS, "similarity", "cosine", "index_options",
                Map.of("type", "hnsw")))))).ok();
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < DOCS; i++) {
            // every third document is re-embedded: it carries the new model's vector as well
            Map<String, Object> source = i % 3 == 0 ? Map.of("emb", OLD[i], "emb_new", NEW[i]) : Map.of("emb", OLD[i]);
            bulk.append(json(Map.of("index", Map.of("_index", "docs", "_id", "d" + i)))).append('\n').append(json(source)).append('\n');
        }
        assertFalse(es.post("_bulk?refresh=true", bulk.toString()).ok().path("errors").asBoolean());
    }

    private static String json(Object value) {
        try {
            return EsHttp.JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> hitIds(JsonNode response) {
        List<String> out = new ArrayList<>();
        response.path("hits").path("hits").forEach(hit -> out.add(hit.path("_id").asText()));
        return out;
    }

    @Test
    void latentKnnEqualsNativeKnnOnTheTranslatedVector() {
        EsHttp es = CLUSTER.http();
        float[] query = NEW[11];
        float[] translated = toFloats(es.post("_latent/_translate", Map.of("from", "new", "to", "old", "vectors", List.of(query),
            "normalize", true)).ok().path("vectors").get(0));
        JsonNode latent = es.post("docs/_search", Map.of("query", Map.of("latent_knn", Map.of("field", "emb", "query_vector", query,
            "model", "new", "k", 5, "num_candidates", 40)), "size", 5)).ok();
        JsonNode nativeKnn = es.post("docs/_search", Map.of("query", Map.of("knn", Map.of("field", "emb", "query_vector", translated,
            "k", 5, "num_candidates", 40)), "size", 5)).ok();
        assertEquals(hitIds(nativeKnn), hitIds(latent));
        assertEquals("d11", hitIds(latent).get(0), "the item's own document comes first");
        for (int i = 0; i < hitIds(latent).size(); i++) {
            assertEquals(nativeKnn.path("hits").path("hits").get(i).path("_score").asDouble(),
                latent.path("hits").path("hits").get(i).path("_score").asDouble(), 1e-6);
        }
    }

    @Test
    void mixedSearchOverTheNativeFieldRanksTheItemFirst() {
        for (int item : new int[] {9, 10}) { // re-embedded, and not
            JsonNode r = CLUSTER.http().post("docs/_search", Map.of("query", Map.of("latent_knn", Map.of("field", "emb", "query_vector",
                NEW[item], "model", "new", "native_field", "emb_new", "k", 5, "num_candidates", 40)), "size", 5)).ok();
            assertEquals("d" + item, hitIds(r).get(0), r.toString());
        }
    }

    @Test
    void ingestPipelineTranslatesAtIndexTime() {
        EsHttp es = CLUSTER.http();
        es.put("_ingest/pipeline/new-to-old", Map.of("processors", List.of(Map.of("latent_translate", Map.of("field", "v", "from", "new",
            "to", "old", "role", "query", "target_field", "out", "normalize", false, "calibrate", false))))).ok();
        JsonNode doc = es.post("_ingest/pipeline/new-to-old/_simulate", Map.of("docs", List.of(Map.of("_source", Map.of("v", NEW[5])))))
            .ok().path("docs").get(0).path("doc").path("_source");
        float[] expected = toFloats(es.post("_latent/_translate", Map.of("from", "new", "to", "old", "vectors", List.of(NEW[5]),
            "normalize", false)).ok()
            .path("vectors").get(0));
        float[] written = toFloats(doc.path("out"));
        assertEquals(expected.length, written.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], written[i], 1e-6, "component " + i);
        }
    }
}
