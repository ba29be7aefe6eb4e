package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.latentbridge.it.KnnEvaluation.Ranking;
import org.latentbridge.testing.EmbeddingCache;
import org.latentbridge.testing.Encoder;
import org.latentbridge.testing.ManPage;
import org.latentbridge.testing.ManPageCorpus;
import org.latentbridge.testing.Role;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A migration half done, with real encoders: the corpus of {@link CrossModelSearchIT} (5,373 documents, its anchors
 * and queries, so its cached embeddings) in an HNSW index of all-MiniLM-L6-v2 vectors, half of whose documents (a
 * seeded random half) also carry a bge-small-en-v1.5 vector in a second field. bge-small queries search it three ways:
 * {@code latent_knn} on the old field, {@code knn} on the new field, and the mixed {@code latent_knn} with
 * {@code native_field}, which must beat both by a margin (recall floors set well below the gaps measured on this
 * corpus, see {@link #MIXED_OVER_OLD}), and must return a document that has both vectors once.
 */
class MixedCoverageIT {
    private static final int ANCHORS = 1500, QUERIES = 1000, FOLDOC_TERMS = 3000, COVERAGE_SEED = 17, ONCE_CHECKED = 200;
    private static final String INDEX = "migrating", OLD = "emb", NEW = "emb_bge";
    /**
     * Recall@10 margins of the mixed search over the old field alone and over the new field alone. Measured on this
     * corpus at 50 % coverage with the default native_weight (0.7): old field 0.748, new field 0.454, mixed 0.785,
     * gaps +0.037 and +0.331. The floors are well below the gaps, so that the test fails on a broken blend or
     * calibration (which falls to the new field's recall, as an uncalibrated merge does), not on noise.
     */
    private static final double MIXED_OVER_OLD = 0.015, MIXED_OVER_NEW = 0.15;

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("mixed-coverage").nodes(1).heap("1g").build();

    @Test
    void mixedSearchBeatsEitherFieldAloneAndScoresEachDocumentOnce() throws Exception {
        ManPageCorpus corpus = ManPageCorpus.load().withFoldoc(FOLDOC_TERMS);
        List<ManPage> pages = corpus.pages();
        // the split of CrossModelSearchIT, so that its embeddings come from the cache
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(0));
        List<Integer> anchorRows = order.subList(0, ANCHORS), queryRows = order.subList(ANCHORS, ANCHORS + QUERIES);
        List<Integer> coverage = new ArrayList<>(order);
        Collections.shuffle(coverage, new Random(COVERAGE_SEED));
        List<Integer> coveredRows = coverage.subList(0, pages.size() / 2);

        EmbeddingCache cache = EmbeddingCache.shared();
        float[][] minilmDocs = cache.embed(Encoder.MINILM, Role.DOCUMENT, corpus.descriptions());
        float[][] bgeAnchors = cache.embed(Encoder.BGE_SMALL, Role.QUERY, anchorRows.stream().map(r -> pages.get(r).description())
            .toList());
        float[][] bgeQueries = cache.embed(Encoder.BGE_SMALL, Role.QUERY, queryRows.stream().map(r -> pages.get(r).summary()).toList());
        float[][] bgeCovered = cache.embed(Encoder.BGE_SMALL, Role.DOCUMENT, coveredRows.stream().map(r -> pages.get(r).description())
            .toList());
        Map<Integer, float[]> newVectors = new HashMap<>();
        for (int i = 0; i < coveredRows.size(); i++) {
            newVectors.put(coveredRows.get(i), bgeCovered[i]);
        }

        EsHttp es = CLUSTER.http().withTimeout(Duration.ofMinutes(5));
        es.put(INDEX, Map.of("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0), "mappings", Map.of("properties", Map.of(
            OLD, vectorField("minilm"), NEW, vectorField("bge-small"))))).ok();
        KnnEvaluation.bulkIndex(es, INDEX, pages.size(), i -> pages.get(i).id(), i -> {
            Map<String, Object> source = new LinkedHashMap<>();
            source.put(OLD, minilmDocs[i]);
            if (newVectors.containsKey(i)) {
                source.put(NEW, newVectors.get(i));
            }
            return source;
        }, null, 1000, done -> {});

        List<String> anchorIds = anchorRows.stream().map(r -> pages.get(r).id()).toList();
        es.put("_latent/model/minilm", Map.of("dims", 384)).ok();
        es.put("_latent/model/bge-small", Map.of("dims", 384, "roles", List.of("query", "document"))).ok();
        es.post("_latent/model/minilm/_anchors", Map.of("ids", anchorIds, "vectors", anchorRows.stream().map(r -> minilmDocs[r]).toList()))
            .ok();
        es.post("_latent/model/bge-small/_anchors", Map.of("role", "query", "ids", anchorIds, "vectors", List.of(bgeAnchors))).ok();
        JsonNode fit = es.put("_latent/translator/bge-small/minilm", Map.of()).ok();

        List<String> relevant = queryRows.stream().map(r -> pages.get(r).id()).toList();
        Ranking old = rank(es, relevant, i -> latentKnn(bgeQueries[i]));
        Ranking fresh = rank(es, relevant, i -> knn(bgeQueries[i]));
        Ranking mixed = rank(es, relevant, i -> mixed(bgeQueries[i]));
        System.out.println(String.format(Locale.ROOT, "[mixed-coverage] %d docs, %d with both fields, %d queries, translator [%s]: "
            + "recall@10 (MRR) old field %.3f (%.3f), new field %.3f (%.3f), mixed %.3f (%.3f); gaps %+.3f over old, %+.3f over new",
            pages.size(), coveredRows.size(), QUERIES, fit.path("method").asText(), old.recall(), old.mrr(), fresh.recall(), fresh.mrr(),
            mixed.recall(), mixed.mrr(), mixed.recall() - old.recall(), mixed.recall() - fresh.recall()));
        assertTrue(mixed.recall() >= old.recall() + MIXED_OVER_OLD, "mixed " + mixed.recall() + " vs old field alone " + old.recall());
        assertTrue(mixed.recall() >= fresh.recall() + MIXED_OVER_NEW, "mixed " + mixed.recall() + " vs new field alone " + fresh.recall());

        // a document with both vectors is found through both fields, and must still be one hit
        Set<String> covered = new HashSet<>();
        coveredRows.forEach(r -> covered.add(pages.get(r).id()));
        int coveredHits = 0;
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < ONCE_CHECKED; i++) {
            Map<String, Object> search = new LinkedHashMap<>(Map.of("query", mixed(bgeQueries[i])));
            search.put("size", KnnEvaluation.K);
            search.put("_source", false);
            body.append("{}\n").append(EsHttp.JSON.writeValueAsString(search)).append('\n');
        }
        JsonNode responses = es.post(INDEX + "/_msearch", body.toString()).ok().path("responses");
        for (int i = 0; i < ONCE_CHECKED; i++) {
            JsonNode hits = responses.get(i).path("hits").path("hits");
            Set<String> ids = new HashSet<>();
            for (JsonNode hit : hits) {
                String id = hit.path("_id").asText();
                assertTrue(ids.add(id), "query " + i + " returned [" + id + "] twice: " + hits);
                coveredHits += covered.contains(id) ? 1 : 0;
            }
            assertEquals(KnnEvaluation.K, hits.size(), "query " + i + " returns k hits");
        }
        assertTrue(coveredHits >= ONCE_CHECKED, "documents with both fields are among the hits (" + coveredHits + " of "
            + ONCE_CHECKED * KnnEvaluation.K + ")");
    }

    private static Ranking rank(EsHttp es, List<String> relevant, IntFunction<Map<String, Object>> query) throws Exception {
        return KnnEvaluation.rank(es, INDEX, relevant, i -> Map.of("query", query.apply(i)), done -> {});
    }

    private static Map<String, Object> vectorField(String model) {
        return Map.of("type", "dense_vector", "dims", 384, "similarity", "cosine", "index_options", Map.of("type", "hnsw"),
            "meta", Map.of("latent_model", model));
    }

    private static Map<String, Object> knn(float[] vector) {
        return Map.of("knn", Map.of("field", NEW, "query_vector", vector, "k", KnnEvaluation.K, "num_candidates", 100));
    }

    private static Map<String, Object> latentKnn(float[] vector) {
        return Map.of("latent_knn", Map.of("field", OLD, "query_vector", vector, "model", "bge-small", "k", KnnEvaluation.K,
            "num_candidates", 100));
    }

    /** The mixed form with the default {@code native_weight}: what a user writes. */
    private static Map<String, Object> mixed(float[] vector) {
        return Map.of("latent_knn", Map.of("field", OLD, "query_vector", vector, "model", "bge-small", "native_field", NEW, "k",
            KnnEvaluation.K, "num_candidates", 100));
    }
}
