package org.latentbridge.it.demo;

import com.fasterxml.jackson.databind.JsonNode;
import org.latentbridge.it.ElasticsearchCluster;
import org.latentbridge.it.EsHttp;
import org.latentbridge.testing.EmbeddingCache;
import org.latentbridge.testing.Encoder;
import org.latentbridge.testing.ManPage;
import org.latentbridge.testing.ManPageCorpus;
import org.latentbridge.testing.Role;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The end-to-end demo (the README's first command): an index of all-MiniLM-L6-v2 vectors in a real Elasticsearch
 * 9.5.3 node with the plugin installed, searched with queries embedded by bge-small-en-v1.5.
 *
 * <p>Anchors, the fit and the translation go through the plugin's REST API. Until the {@code latent_knn} query lands,
 * the translated vectors come back from {@code _translate} and the search is Elasticsearch's own kNN over an HNSW field.
 */
public final class MigrationDemo {
    private static final int ANCHORS = 1500;
    private static final String INDEX = "manpages-minilm";

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        say("Latent Bridge demo: search an index embedded by one model with queries from another");
        ManPageCorpus corpus = ManPageCorpus.load();
        List<ManPage> pages = new ArrayList<>(corpus.pages());
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(0));
        List<Integer> anchorRows = order.subList(0, ANCHORS), docRows = order.subList(ANCHORS, order.size());
        say("corpus: %d Debian manual pages; %d serve as anchors, the other %d are the documents, each page's one-line summary its query",
            pages.size(), anchorRows.size(), docRows.size());

        say("embedding with all-MiniLM-L6-v2 (the index's model) and bge-small-en-v1.5 (the new model); cached after the first run");
        EmbeddingCache cache = EmbeddingCache.shared();
        float[][] minilmDocs = cache.embed(Encoder.MINILM, Role.DOCUMENT, corpus.descriptions());
        float[][] minilmQueries = cache.embed(Encoder.MINILM, Role.QUERY, corpus.summaries());
        float[][] bgeQueries = cache.embed(Encoder.BGE_SMALL, Role.QUERY, corpus.summaries());
        float[][] bgeAnchorTexts = cache.embed(Encoder.BGE_SMALL, Role.QUERY, corpus.descriptions());

        List<String> anchorIds = anchorRows.stream().map(r -> pages.get(r).id()).toList();
        try (ElasticsearchCluster cluster = ElasticsearchCluster.builder("demo").nodes(1).heap("1g").build()) {
            say("starting a single Elasticsearch node ...");
            cluster.start();
            EsHttp es = cluster.http();
            for (JsonNode p : es.get("_cat/plugins?format=json").ok()) {
                say("node %s runs plugin %s %s", p.path("name").asText(), p.path("component").asText(), p.path("version").asText());
            }
            es.put(INDEX, Map.of("mappings", Map.of("properties", Map.of(
                "emb", Map.of("type", "dense_vector", "dims", 384, "similarity", "cosine", "index_options", Map.of("type", "hnsw"),
                    "meta", Map.of("latent_model", "minilm")),
                "title", Map.of("type", "keyword"))))).ok();
            StringBuilder bulk = new StringBuilder();
            for (int r : docRows) {
                bulk.append(EsHttp.JSON.writeValueAsString(Map.of("index", Map.of("_index", INDEX, "_id", pages.get(r).id())))).append('\n');
                bulk.append(EsHttp.JSON.writeValueAsString(Map.of("emb", minilmDocs[r], "title", pages.get(r).title()))).append('\n');
            }
            JsonNode bulkResult = es.post("_bulk?refresh=true", bulk.toString()).ok();
            if (bulkResult.path("errors").asBoolean()) {
                throw new IllegalStateException("bulk indexing failed: " + bulkResult);
            }
            say("indexed %d MiniLM page vectors into [%s] (dense_vector, hnsw, cosine)", docRows.size(), INDEX);

            say("registering both models and their %d anchors with the plugin (PUT /_latent/model, POST .../_anchors) ...", ANCHORS);
            es.put("_latent/model/minilm", Map.of("dims", 384, "description", "all-MiniLM-L6-v2")).ok();
            es.put("_latent/model/bge-small", Map.of("dims", 384, "description", "bge-small-en-v1.5", "roles", List.of("query", "document")))
                .ok();
            es.post("_latent/model/minilm/_anchors", Map.of("role", "document", "ids", anchorIds, "vectors",
                anchorRows.stream().map(r -> minilmDocs[r]).toList())).ok();
            es.post("_latent/model/bge-small/_anchors", Map.of("role", "query", "ids", anchorIds, "vectors",
                anchorRows.stream().map(r -> bgeAnchorTexts[r]).toList())).ok();
            JsonNode fit = es.put("_latent/translator/bge-small/minilm", Map.of("method", "auto", "min_quality", Map.of("top1", 0.9))).ok();
            say("PUT /_latent/translator/bge-small/minilm: auto chose [%s] in %d ms on %d shared anchors", fit.path("method").asText(),
                fit.path("took_millis").asLong(), fit.path("anchors").path("shared").asInt());
            fit.path("metrics").fields().forEachRemaining(m -> say("  held-out %-16s top1 %.3f  top10 %.3f  mrr %.3f  mean cosine %.3f",
                m.getKey(), m.getValue().path("top1").asDouble(), m.getValue().path("top10").asDouble(), m.getValue().path("mrr").asDouble(),
                m.getValue().path("mean_cosine").asDouble()));
            say("  diagnostics: cka %.3f, warnings %s", fit.path("diagnostics").path("cka").asDouble(), fit.path("diagnostics").path("warnings"));

            say("translating %d bge-small query vectors through POST /_latent/_translate ...", docRows.size());
            JsonNode out = es.post("_latent/_translate", Map.of("from", "bge-small", "to", "minilm", "role", "query", "normalize", true,
                "vectors", docRows.stream().map(r -> bgeQueries[r]).toList())).ok().path("vectors");
            Map<Integer, float[]> translatedByRow = new java.util.HashMap<>();
            for (int i = 0; i < docRows.size(); i++) {
                float[] v = new float[384];
                for (int j = 0; j < 384; j++) {
                    v[j] = (float) out.get(i).get(j).asDouble();
                }
                translatedByRow.put(docRows.get(i), v);
            }
            double[] nat = search(es, docRows, pages, r -> minilmQueries[r]);
            double[] raw = search(es, docRows, pages, r -> bgeQueries[r]);
            double[] translated = search(es, docRows, pages, translatedByRow::get);
            say("Elasticsearch kNN (k=10, num_candidates=100) over %d queries:", docRows.size());
            say("  %-42s hit@10 %.3f  mrr %.3f", "MiniLM queries (native, needs re-embedding)", nat[0], nat[1]);
            say("  %-42s hit@10 %.3f  mrr %.3f", "bge-small queries, untranslated", raw[0], raw[1]);
            say("  %-42s hit@10 %.3f  mrr %.3f  (%.0f%% of native hit@10)", "bge-small queries, translated", translated[0], translated[1],
                100 * translated[0] / nat[0]);
            int example = docRows.get(0);
            say("example query \"%s\" (page %s):", pages.get(example).summary(), pages.get(example).title());
            for (JsonNode hit : knn(es, translatedByRow.get(example), 3).path("hits").path("hits")) {
                say("  %.3f  %s", hit.path("_score").asDouble(), hit.path("fields").path("title").get(0).asText());
            }
        }
        say("done in %.0f s", (System.nanoTime() - start) / 1e9);
    }

    /** Hit@10 and MRR of each query's own page, through Elasticsearch's kNN. */
    private static double[] search(EsHttp es, List<Integer> rows, List<ManPage> pages, java.util.function.IntFunction<float[]> query)
        throws Exception {
        double hits = 0, mrr = 0;
        for (int start = 0; start < rows.size(); start += 100) {
            List<Integer> batch = rows.subList(start, Math.min(rows.size(), start + 100));
            StringBuilder body = new StringBuilder();
            for (int r : batch) {
                body.append("{}\n").append(EsHttp.JSON.writeValueAsString(knnBody(query.apply(r), 10))).append('\n');
            }
            JsonNode responses = es.post(INDEX + "/_msearch", body.toString()).ok().path("responses");
            for (int i = 0; i < batch.size(); i++) {
                String want = pages.get(batch.get(i)).id();
                JsonNode found = responses.get(i).path("hits").path("hits");
                for (int rank = 0; rank < found.size(); rank++) {
                    if (want.equals(found.get(rank).path("_id").asText())) {
                        hits++;
                        mrr += 1.0 / (rank + 1);
                        break;
                    }
                }
            }
        }
        return new double[] {hits / rows.size(), mrr / rows.size()};
    }

    private static Map<String, Object> knnBody(float[] vector, int k) {
        return Map.of("knn", Map.of("field", "emb", "query_vector", vector, "k", k, "num_candidates", 100), "size", k, "_source", false,
            "fields", List.of("title"));
    }

    private static JsonNode knn(EsHttp es, float[] vector, int k) {
        return es.post(INDEX + "/_search", knnBody(vector, k)).ok();
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }

    private MigrationDemo() {}
}
