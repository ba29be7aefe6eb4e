package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.latentbridge.testing.EmbeddingCache;
import org.latentbridge.testing.Encoder;
import org.latentbridge.testing.ManPage;
import org.latentbridge.testing.ManPageCorpus;
import org.latentbridge.testing.Role;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real encoders end to end: 5,373 documents (Debian manual pages and FOLDOC terms) embedded by all-MiniLM-L6-v2 in an
 * HNSW index, searched with bge-small-en-v1.5 query vectors through {@code latent_knn}. Each query is a page's summary
 * (or a term) whose own document is the one relevant answer; anchors are 1,500 other documents' texts. Recall@10 is
 * compared with the native MiniLM search and with the untranslated bge vectors, in the same run.
 */
class CrossModelSearchIT {
    private static final int ANCHORS = 1500, QUERIES = 1000, FOLDOC_TERMS = 3000;
    private static final String INDEX = "corpus-minilm";

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("cross-model-search").nodes(1).heap("1g").build();

    @Test
    void latentKnnRecallIsCloseToNativeAndFarAboveUntranslated() throws Exception {
        ManPageCorpus corpus = ManPageCorpus.load().withFoldoc(FOLDOC_TERMS);
        List<ManPage> pages = corpus.pages();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(0));
        List<Integer> anchorRows = order.subList(0, ANCHORS), queryRows = order.subList(ANCHORS, ANCHORS + QUERIES);
        EmbeddingCache cache = EmbeddingCache.shared();
        float[][] docs = cache.embed(Encoder.MINILM, Role.DOCUMENT, corpus.descriptions());
        List<String> anchorTexts = anchorRows.stream().map(r -> pages.get(r).description()).toList();
        float[][] bgeAnchors = cache.embed(Encoder.BGE_SMALL, Role.QUERY, anchorTexts);
        List<String> queryTexts = queryRows.stream().map(r -> pages.get(r).summary()).toList();
        float[][] bgeQueries = cache.embed(Encoder.BGE_SMALL, Role.QUERY, queryTexts);
        float[][] minilmQueries = cache.embed(Encoder.MINILM, Role.QUERY, queryTexts);

        EsHttp es = CLUSTER.http().withTimeout(Duration.ofMinutes(5));
        es.put(INDEX, Map.of("settings", Map.of("number_of_shards", 1), "mappings", Map.of("properties", Map.of("emb", Map.of(
            "type", "dense_vector", "dims", 384, "similarity", "cosine", "index_options", Map.of("type", "hnsw"),
            "meta", Map.of("latent_model", "minilm")))))).ok();
        KnnEvaluation.bulkIndex(es, INDEX, pages.size(), i -> pages.get(i).id(), i -> Map.of("emb", docs[i]), null, 1000, done -> {});

        List<String> anchorIds = anchorRows.stream().map(r -> pages.get(r).id()).toList();
        es.put("_latent/model/minilm", Map.of("dims", 384)).ok();
        es.put("_latent/model/bge-small", Map.of("dims", 384, "roles", List.of("query", "document"))).ok();
        es.post("_latent/model/minilm/_anchors", Map.of("ids", anchorIds, "vectors", anchorRows.stream().map(r -> docs[r]).toList())).ok();
        es.post("_latent/model/bge-small/_anchors", Map.of("role", "query", "ids", anchorIds, "vectors", List.of(bgeAnchors))).ok();
        JsonNode fit = es.put("_latent/translator/bge-small/minilm", Map.of()).ok();

        double nativeRecall = recall(es, queryRows, pages, i -> Map.of("knn", Map.of("field", "emb", "query_vector", minilmQueries[i],
            "k", 10, "num_candidates", 100)));
        double untranslated = recall(es, queryRows, pages, i -> Map.of("knn", Map.of("field", "emb", "query_vector", bgeQueries[i], "k", 10,
            "num_candidates", 100)));
        double translated = recall(es, queryRows, pages, i -> Map.of("latent_knn", Map.of("field", "emb", "query_vector", bgeQueries[i],
            "model", "bge-small", "k", 10, "num_candidates", 100)));
        System.out.println(String.format(Locale.ROOT,
            "[cross-model-search] %d docs, %d queries, %d anchors (auto chose %s): recall@10 native "
            + "%.3f, latent_knn %.3f (%.3f of native), untranslated %.3f (%.3f of native)", pages.size(), QUERIES, ANCHORS,
            fit.path("method").asText(), nativeRecall, translated, translated / nativeRecall, untranslated, untranslated / nativeRecall));
        System.out.println("[cross-model-search] Elasticsearch " + ItEnvironment.esVersion() + ", the fit's held-out metrics: "
            + fit.path("metrics").path(fit.path("method").asText()));
        assertTrue(nativeRecall >= 0.6, "the natural pairs are answerable at all: " + nativeRecall);
        assertTrue(translated >= 0.8 * nativeRecall, "latent_knn " + translated + " vs native " + nativeRecall);
        assertTrue(translated - untranslated >= 0.2, "latent_knn " + translated + " vs untranslated " + untranslated);
    }

    /** Fraction of queries whose own document is among the 10 hits. */
    private static double recall(EsHttp es, List<Integer> rows, List<ManPage> pages, IntFunction<Map<String, Object>> query)
        throws Exception {
        List<String> relevant = rows.stream().map(r -> pages.get(r).id()).toList();
        return KnnEvaluation.rank(es, INDEX, relevant, i -> Map.of("query", query.apply(i)), done -> {}).recall();
    }
}
