package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code orthogonal_kernel} and calibration on labelled pairs through the API, on a real node: the calibration searches
 * the user's index with Elasticsearch's kNN, and the recall it reports is the recall a {@code latent_knn} search with
 * the stored translator gets on the same pairs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CalibrationIT {
    private static final int DIMS = 16, ANCHORS = 400, DOCS = 300, PAIRS = 40, K = 10;

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("calibration").nodes(1).build();

    private static float[][] queries;

    /** Source and target: a point cloud and its rotation, bent a little so that a kernel correction has work to do. */
    private static void setUp(EsHttp es) throws Exception {
        if (queries != null) {
            return;
        }
        Random random = new Random(17);
        double[][] rotation = SyntheticAnchors.rotation(DIMS, random);
        float[][] source = SyntheticAnchors.gaussian(ANCHORS + DOCS, DIMS, 0.3, random);
        float[][] target = new float[source.length][];
        for (int i = 0; i < source.length; i++) {
            target[i] = SyntheticAnchors.rotate(source[i], rotation, 1);
            for (int j = 0; j < DIMS; j++) {
                target[i][j] += (float) (0.3 * Math.sin(2 * target[i][j]));
            }
        }
        es.put("_latent/model/s", Map.of("dims", DIMS)).ok();
        es.put("_latent/model/t", Map.of("dims", DIMS)).ok();
        es.post("_latent/model/s/_anchors", Map.of("ids", SyntheticAnchors.ids(0, ANCHORS), "vectors", SyntheticAnchors.rows(source, 0,
            ANCHORS))).ok();
        es.post("_latent/model/t/_anchors", Map.of("ids", SyntheticAnchors.ids(0, ANCHORS), "vectors", SyntheticAnchors.rows(target, 0,
            ANCHORS))).ok();
        // flat: exact kNN, so that the test's own searches rank exactly as the calibration's did
        es.put("docs", Map.of("settings", Map.of("number_of_replicas", 0), "mappings", Map.of("properties", Map.of("emb", Map.of("type",
            "dense_vector", "dims", DIMS, "similarity", "cosine", "index_options", Map.of("type", "flat"), "meta", Map.of("latent_model",
                "t")))))).ok();
        KnnEvaluation.bulkIndex(es, "docs", DOCS, i -> "d" + i, i -> Map.of("emb", target[ANCHORS + i]), null, 1000, done -> {});
        queries = new float[PAIRS][];
        for (int p = 0; p < PAIRS; p++) {
            queries[p] = source[ANCHORS + p].clone();
            for (int j = 0; j < DIMS; j++) {
                queries[p][j] += (float) (0.9 * random.nextGaussian()); // noisy queries: recall well below 1, room to differ
            }
        }
    }

    private static List<Object> pairs(int count) {
        List<Object> pairs = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            pairs.add(Map.of("query_vector", queries[p], "relevant", List.of("d" + p)));
        }
        return pairs;
    }

    private static Map<String, Object> calibration(int count) {
        return Map.of("index", "docs", "field", "emb", "pairs", pairs(count));
    }

    /** Mean recall@10 of the stored translator on the pairs, measured with {@code latent_knn} as a user would search. */
    private static double storedRecall(EsHttp es) {
        double sum = 0;
        for (int p = 0; p < PAIRS; p++) {
            JsonNode hits = es.post("docs/_search", Map.of("size", K, "_source", false, "query", Map.of("latent_knn", Map.of("field", "emb",
                "query_vector", queries[p], "model", "s", "k", K, "num_candidates", 100)))).ok().path("hits").path("hits");
            for (JsonNode hit : hits) {
                if (hit.path("_id").asText().equals("d" + p)) {
                    sum += 1;
                }
            }
        }
        return sum / PAIRS;
    }

    @Test
    @Order(1)
    void calibrationStartsFromTheUncalibratedRecallAndStoresWhatItChose() throws Exception {
        EsHttp es = CLUSTER.http();
        setUp(es);
        es.put("_latent/translator/s/t", Map.of("method", "orthogonal")).ok();
        double uncalibrated = storedRecall(es);

        JsonNode fit = es.put("_latent/translator/s/t", Map.of("method", "orthogonal", "calibration", calibration(PAIRS))).ok();
        JsonNode c = fit.path("calibration");
        assertEquals(PAIRS, c.path("pairs").asInt(), fit.toString());
        assertEquals(5, c.path("candidates").asInt(), "orthogonal weighs the five mean weights");
        assertEquals(5 * PAIRS, c.path("searches").asInt());
        assertEquals(uncalibrated, c.path("recall_before").asDouble(), 1e-9, "the uncalibrated translator is candidate 0: " + c);
        double chosenWeight = c.path("chosen").path("mean_weight").asDouble();
        assertEquals(chosenWeight, fit.path("preprocess").path("mean_weight").asDouble(), 0, "the stored translator is the chosen one");
        assertEquals(c.path("recall_chosen_in_sample").asDouble(), storedRecall(es), 1e-9, "searching with the stored translator: " + c);
        assertTrue(c.path("recall_chosen_in_sample").asDouble() >= c.path("recall_before").asDouble(), c.toString());
        assertTrue(c.path("recall_after").asDouble() >= 0 && c.path("recall_after").asDouble() <= 1, c.toString());
    }

    @Test
    @Order(2)
    void anOrthogonalKernelTranslatorIsFittedCalibratedAndSearched() throws Exception {
        EsHttp es = CLUSTER.http();
        setUp(es);
        JsonNode fit = es.put("_latent/translator/s/t", Map.of("method", "orthogonal_kernel", "calibration", calibration(PAIRS))).ok();
        assertEquals("orthogonal_kernel", fit.path("method").asText(), fit.toString());
        JsonNode kernel = fit.path("kernel");
        assertTrue(kernel.path("temperature").asDouble() > 0 && kernel.path("centres").asInt() > 0, fit.toString());
        JsonNode c = fit.path("calibration");
        assertEquals(25, c.path("candidates").asInt(), "the kernel's settings and four neighbours, under five mean weights");
        assertEquals(c.path("recall_chosen_in_sample").asDouble(), storedRecall(es), 1e-9, c.toString());
        assertEquals(c.path("chosen").path("temperature").asDouble(), kernel.path("temperature").asDouble(), 0, fit.toString());
        assertEquals(c.path("chosen").path("lambda").asDouble(), kernel.path("lambda").asDouble(), 0, "the stored variant's own lambda");

        // _translate and the GET report speak of the same translator
        JsonNode translated = es.post("_latent/_translate", Map.of("from", "s", "to", "t", "vectors", List.of(queries[0]))).ok();
        assertEquals("orthogonal_kernel", translated.path("method").asText(), translated.toString());
        assertEquals(DIMS, translated.path("vectors").get(0).size());
        assertEquals("orthogonal_kernel", es.get("_latent/translator/s/t").ok().path("method").asText());

        // auto weighs the kernel and says why it kept what it kept
        JsonNode auto = es.put("_latent/translator/s/t", Map.of()).ok();
        assertTrue(auto.path("metrics").has("orthogonal_kernel"), auto.toString());
        String selection = auto.path("selection").asText();
        assertTrue(selection.contains("orthogonal_kernel chosen") || selection.contains("orthogonal_kernel not chosen"), selection);
        assertTrue(selection.contains("contrastive"), "auto says whether it preferred contrastive: " + selection);
    }

    @Test
    @Order(3)
    void badCalibrationsAreRefusedAndStoreNothing() throws Exception {
        EsHttp es = CLUSTER.http();
        setUp(es);
        long version = es.get("_latent/translator/s/t").ok().path("version").asLong();

        EsResponse few = es.put("_latent/translator/s/t", Map.of("calibration", calibration(5))).expectStatus(400);
        assertTrue(few.body().contains("[calibration.pairs] holds [5] pairs"), few.body());

        List<Object> pairs = pairs(PAIRS);
        pairs.set(3, Map.of("query_vector", new float[DIMS + 1], "relevant", List.of("d3")));
        EsResponse dims = es.put("_latent/translator/s/t", Map.of("calibration", Map.of("index", "docs", "field", "emb", "pairs", pairs)))
            .expectStatus(400);
        assertTrue(dims.body().contains("[calibration.pairs][3][query_vector] has wrong dimensions: expected [16] but got [17]"),
            dims.body());

        Map<String, Object> missing = new LinkedHashMap<>(calibration(PAIRS));
        missing.put("index", "no-such-index");
        EsResponse notFound = es.put("_latent/translator/s/t", Map.of("calibration", missing)).expectStatus(404);
        assertTrue(notFound.body().contains("no-such-index"), notFound.body());

        Map<String, Object> textField = new LinkedHashMap<>(calibration(PAIRS));
        textField.put("field", "no_such_field");
        EsResponse noHits = es.put("_latent/translator/s/t", Map.of("calibration", textField)).expectStatus(400);
        assertTrue(noHits.body().contains("found no documents"), noHits.body());

        List<Object> wrongIds = new ArrayList<>();
        for (int p = 0; p < PAIRS; p++) {
            wrongIds.add(Map.of("query_vector", queries[p], "relevant", List.of("not-an-id-" + p)));
        }
        EsResponse irrelevant = es.put("_latent/translator/s/t", Map.of("calibration", Map.of("index", "docs", "field", "emb", "pairs",
            wrongIds))).expectStatus(400);
        assertTrue(irrelevant.body().contains("no candidate found any relevant document"), irrelevant.body());

        assertEquals(version, es.get("_latent/translator/s/t").ok().path("version").asLong(), "no refused calibration stored a translator");
    }
}
