package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * Retrieval over HTTP with one relevant document per query: bulk indexing and recall@10 / MRR of searches sent through
 * {@code _msearch}. Shared by the real-encoder ITs and the demo so that every figure is computed the same way.
 */
public final class KnnEvaluation {
    /** Hits per search; recall and MRR are @10. */
    public static final int K = 10;
    private static final int MSEARCH_BATCH = 100;

    private KnnEvaluation() {}

    /** Recall@10 (the relevant document among the hits) and MRR@10 over {@code queries} searches. */
    public record Ranking(double recall, double mrr, int queries) {}

    /**
     * Indexes {@code count} documents through {@code _bulk} (optionally through an ingest pipeline) in batches,
     * reporting the documents done to {@code progress}. Fails on the first batch with an item error.
     */
    public static void bulkIndex(EsHttp es, String index, int count, IntFunction<String> id, IntFunction<Map<String, Object>> source,
                                 String pipeline, int batch, IntConsumer progress) throws Exception {
        String path = index + "/_bulk" + (pipeline == null ? "" : "?pipeline=" + pipeline);
        for (int from = 0; from < count; from += batch) {
            int to = Math.min(count, from + batch);
            StringBuilder body = new StringBuilder();
            for (int i = from; i < to; i++) {
                body.append(EsHttp.JSON.writeValueAsString(Map.of("index", Map.of("_id", id.apply(i))))).append('\n');
                body.append(EsHttp.JSON.writeValueAsString(source.apply(i))).append('\n');
            }
            JsonNode result = es.post(path, body.toString()).ok();
            if (result.path("errors").asBoolean()) {
                for (JsonNode item : result.path("items")) {
                    JsonNode error = item.path("index").path("error");
                    if (error.isMissingNode() == false) {
                        throw new IllegalStateException("bulk indexing into [" + index + "] failed: " + error);
                    }
                }
            }
            progress.accept(to);
        }
        es.post(index + "/_refresh", null).ok();
    }

    /**
     * Sends {@code bodies.apply(i)} (a whole search body; {@code size}, {@code _source} are set here) for every
     * query i and ranks {@code relevantIds.get(i)} among the hits. A failed search fails the evaluation.
     */
    public static Ranking rank(EsHttp es, String index, List<String> relevantIds, IntFunction<Map<String, Object>> bodies,
                               IntConsumer progress) throws Exception {
        double found = 0, reciprocalRanks = 0;
        for (int from = 0; from < relevantIds.size(); from += MSEARCH_BATCH) {
            int to = Math.min(relevantIds.size(), from + MSEARCH_BATCH);
            StringBuilder body = new StringBuilder();
            for (int i = from; i < to; i++) {
                Map<String, Object> search = new LinkedHashMap<>(bodies.apply(i));
                search.put("size", K);
                search.put("_source", false);
                body.append("{}\n").append(EsHttp.JSON.writeValueAsString(search)).append('\n');
            }
            JsonNode responses = es.post(index + "/_msearch", body.toString()).ok().path("responses");
            for (int i = from; i < to; i++) {
                JsonNode response = responses.get(i - from);
                if (response.has("hits") == false) {
                    throw new IllegalStateException("search " + i + " failed: " + response);
                }
                JsonNode hits = response.path("hits").path("hits");
                for (int rank = 0; rank < Math.min(K, hits.size()); rank++) {
                    if (relevantIds.get(i).equals(hits.get(rank).path("_id").asText())) {
                        found++;
                        reciprocalRanks += 1.0 / (rank + 1);
                        break;
                    }
                }
            }
            progress.accept(to);
        }
        return new Ranking(found / relevantIds.size(), reciprocalRanks / relevantIds.size(), relevantIds.size());
    }
}
