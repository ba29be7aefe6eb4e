package org.latentbridge.it.demo;

import com.fasterxml.jackson.databind.JsonNode;
import org.latentbridge.it.ElasticsearchCluster;
import org.latentbridge.it.EsHttp;
import org.latentbridge.it.KnnEvaluation;
import org.latentbridge.it.KnnEvaluation.Ranking;
import org.latentbridge.testing.Charts;
import org.latentbridge.testing.EmbeddingCache;
import org.latentbridge.testing.Encoder;
import org.latentbridge.testing.ManPage;
import org.latentbridge.testing.ManPageCorpus;
import org.latentbridge.testing.Role;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * The end-to-end demo (the README's first command): a team's index of all-MiniLM-L6-v2 vectors, a migration to
 * bge-small-en-v1.5, and every step of the flow in docs/architecture.md §1 on a real Elasticsearch 9.5.3 node with the plugin installed.
 *
 * <p>The corpus is {@link ManPageCorpus#large()} (over 10,000 manual pages and FOLDOC terms); each page's one-line summary
 * (or a term) is a natural query whose own page is the one relevant document. Anchors are pages the team re-embeds with
 * every model; evaluation queries are never anchors. Everything the node sees goes through its REST API.
 *
 * <p>Options (system properties, set by {@code bin/demo}): {@code latent.demo.keep=true} leaves the node running.
 */
public final class MigrationDemo {
    private static final int ANCHORS = 4000, NEW_DOCS = 500, EVAL_QUERIES = 2000, REEMBED_SAMPLE = 256;
    private static final int LATENCY_WARMUP = 100, LATENCY_ROUNDS = 600, NUM_CANDIDATES = 100;
    private static final String INDEX = "docs", BGE_INDEX = "docs-bge", RELATIVE_INDEX = "docs-relative";
    private static final String MINILM = "minilm", BGE = "bge-small", E5 = "e5-small";
    private static final List<String> METHODS = List.of("orthogonal", "linear", "affine", "inverse_relative");

    private final List<ManPage> pages;
    private final List<Integer> anchorRows, newRows, indexedRows, evalRows;
    private final Map<String, Ranking> rankings = new LinkedHashMap<>();
    private final Map<String, double[]> latencies = new LinkedHashMap<>();
    private final Map<String, String> notes = new LinkedHashMap<>();
    private EsHttp es;

    // embeddings; rows of the corpus unless named otherwise
    private float[][] minilmDocs, bgeDocs, bgeAnchorQueries, e5AnchorQueries, e5AnchorPassages;
    /** Query vectors of {@link #queryRows()}: the evaluation queries, then the new documents' queries. */
    private float[][] minilmQueries, bgeQueries, e5Queries;

    private MigrationDemo(ManPageCorpus corpus) {
        this.pages = corpus.pages();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(0));
        anchorRows = List.copyOf(order.subList(0, ANCHORS));
        newRows = List.copyOf(order.subList(ANCHORS, ANCHORS + NEW_DOCS));
        List<Integer> indexed = new ArrayList<>(order);
        indexed.removeAll(newRows);
        indexedRows = List.copyOf(indexed);
        evalRows = List.copyOf(order.subList(ANCHORS + NEW_DOCS, ANCHORS + NEW_DOCS + EVAL_QUERIES));
    }

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        boolean keep = Boolean.getBoolean("latent.demo.keep");
        say("Latent Bridge demo: move an index from all-MiniLM-L6-v2 to bge-small-en-v1.5 without re-embedding it first");
        ManPageCorpus corpus = ManPageCorpus.large();
        MigrationDemo demo = new MigrationDemo(corpus);
        demo.embed();
        ElasticsearchCluster cluster = ElasticsearchCluster.builder("latent-demo").nodes(1).heap("2g").build();
        try {
            step("Start one Elasticsearch %s node with the plugin", System.getProperty("latent.es.version", ""));
            cluster.start();
            demo.es = cluster.http().withTimeout(Duration.ofMinutes(10));
            for (JsonNode p : demo.es.get("_cat/plugins?format=json").ok()) {
                say("  node %s runs %s %s at %s", p.path("name").asText(), p.path("component").asText(), p.path("version").asText(),
                    cluster.node(0).httpUri());
            }
            demo.run();
        } finally {
            if (keep && cluster.isRunning()) {
                cluster.detach();
                say("");
                say("The node keeps running (pid %d): curl %s/_latent/translator ; stop it with: kill %d", cluster.node(0).pid(),
                    cluster.node(0).httpUri(), cluster.node(0).pid());
            } else {
                cluster.close();
            }
        }
        say("demo finished in %.0f s", (System.nanoTime() - start) / 1e9);
    }

    /** Queries of the evaluation rows, then of the new documents (whose queries are evaluated after their ingest). */
    private List<Integer> queryRows() {
        List<Integer> rows = new ArrayList<>(evalRows);
        rows.addAll(newRows);
        return rows;
    }

    private void embed() {
        step("Embed the corpus: %,d documents (%,d manual pages and FOLDOC terms), %,d anchors, %,d queries", pages.size(), pages.size(),
            ANCHORS, EVAL_QUERIES + NEW_DOCS);
        say("  three in-process ONNX encoders (LangChain4j); cached in %s after the first run", EmbeddingCache.shared().dir());
        List<String> documents = pages.stream().map(ManPage::description).toList();
        List<String> anchorTexts = anchorRows.stream().map(r -> pages.get(r).description()).toList();
        List<String> queries = queryRows().stream().map(r -> pages.get(r).summary()).toList();
        minilmDocs = embed(Encoder.MINILM, Role.DOCUMENT, documents, "MiniLM: every document (the existing index)");
        minilmQueries = embed(Encoder.MINILM, Role.QUERY, queries, "MiniLM: queries (the old model's)");
        bgeQueries = embed(Encoder.BGE_SMALL, Role.QUERY, queries, "bge-small: queries (the new model's)");
        bgeAnchorQueries = embed(Encoder.BGE_SMALL, Role.QUERY, anchorTexts, "bge-small: anchors, query role");
        e5Queries = embed(Encoder.E5_SMALL, Role.QUERY, queries, "e5-small: queries");
        e5AnchorQueries = embed(Encoder.E5_SMALL, Role.QUERY, anchorTexts, "e5-small: anchors, query role");
        e5AnchorPassages = embed(Encoder.E5_SMALL, Role.DOCUMENT, anchorTexts, "e5-small: anchors, passage role");
        bgeDocs = embed(Encoder.BGE_SMALL, Role.DOCUMENT, documents, "bge-small: every document (full re-embedding)");
    }

    private static float[][] embed(Encoder encoder, Role role, List<String> texts, String label) {
        EmbeddingCache cache = EmbeddingCache.shared();
        if (cache.contains(encoder, role, texts)) {
            say("  %-44s %,d vectors from the cache", label, texts.size());
            return cache.embed(encoder, role, texts);
        }
        ProgressBar bar = ProgressBar.start(label, "texts");
        return cache.embed(encoder, role, texts, (done, total, nanos) -> bar.update(done, total));
    }

    private void run() throws Exception {
        indexExistingDocuments();
        registerModels();
        fitTranslators();
        searchAcrossModels();
        ingestNewDocuments();
        searchDuringReembedding();
        relativeSpace();
        measureLatency();
        printReport();
    }

    private void indexExistingDocuments() throws Exception {
        step("1. The existing index: %,d documents' MiniLM vectors in [%s] (dense_vector, HNSW, cosine)", indexedRows.size(), INDEX);
        createIndex(INDEX, Map.of("emb", vectorField(384, "hnsw", Map.of("latent_model", MINILM)), "emb_bge", vectorField(384, "hnsw",
            Map.of("latent_model", BGE)), "title", Map.of("type", "keyword")));
        ProgressBar bar = ProgressBar.start("indexing MiniLM vectors", "docs");
        KnnEvaluation.bulkIndex(es, INDEX, indexedRows.size(), i -> id(indexedRows.get(i)),
            i -> Map.of("emb", minilmDocs[indexedRows.get(i)], "title", pages.get(indexedRows.get(i)).title()), null, 1000,
            done -> bar.update(done, indexedRows.size()));
    }

    private void registerModels() {
        step("2. Register the models and upload %,d anchors: the same pages embedded by each model", ANCHORS);
        List<String> anchorIds = anchorRows.stream().map(this::id).toList();
        long t0 = System.nanoTime();
        es.put("_latent/model/" + MINILM, Map.of("dims", 384, "description", "sentence-transformers/all-MiniLM-L6-v2")).ok();
        es.put("_latent/model/" + BGE, Map.of("dims", 384, "description", "BAAI/bge-small-en-v1.5", "roles", List.of("query", "document")))
            .ok();
        es.put("_latent/model/" + E5, Map.of("dims", 384, "description", "intfloat/e5-small-v2", "roles", List.of("query", "document")))
            .ok();
        upload(MINILM, "document", anchorIds, rows(minilmDocs, anchorRows));
        upload(BGE, "query", anchorIds, List.of(bgeAnchorQueries));
        upload(BGE, "document", anchorIds, rows(bgeDocs, anchorRows));
        upload(E5, "query", anchorIds, List.of(e5AnchorQueries));
        upload(E5, "document", anchorIds, List.of(e5AnchorPassages));
        notes.put("upload_seconds", String.valueOf((System.nanoTime() - t0) / 1e9));
        for (String model : List.of(MINILM, BGE, E5)) {
            JsonNode m = es.get("_latent/model/" + model).ok();
            StringBuilder roles = new StringBuilder();
            m.path("roles").fields().forEachRemaining(r -> roles.append(String.format(Locale.ROOT, "  %s: %,d anchors, effective rank %.0f",
                r.getKey(), r.getValue().path("anchors").asInt(), r.getValue().path("diagnostics").path("effective_rank").asDouble())));
            say("  %-10s v%d%s", model, m.path("version").asLong(), roles);
        }
    }

    private void upload(String model, String role, List<String> ids, List<float[]> vectors) {
        for (int from = 0; from < ids.size(); from += 2000) {
            int to = Math.min(ids.size(), from + 2000);
            es.post("_latent/model/" + model + "/_anchors", Map.of("role", role, "ids", ids.subList(from, to),
                "vectors", vectors.subList(from, to))).ok();
        }
    }

    private void fitTranslators() {
        step("3. Fit translators and read their held-out quality before trusting them");
        for (String method : METHODS) {
            JsonNode fit = es.put("_latent/translator/" + BGE + "/" + MINILM, Map.of("method", method)).ok();
            notes.put("fit_millis_" + method, fit.path("took_millis").asText());
        }
        JsonNode fit = es.put("_latent/translator/" + BGE + "/" + MINILM, Map.of("method", "auto", "min_quality", Map.of("top10", 0.9)))
            .ok();
        notes.put("fit_millis_auto", fit.path("took_millis").asText());
        say("  PUT /_latent/translator/%s/%s {\"method\": \"auto\", \"min_quality\": {\"top10\": 0.9}}", BGE, MINILM);
        say("  auto chose [%s] in %d ms: %d anchors fit, %d held out; each candidate on the held-out anchors:", fit.path("method").asText(),
            fit.path("took_millis").asLong(), fit.path("anchors").path("fit").asInt(), fit.path("anchors").path("held_out").asInt());
        fit.path("metrics").fields().forEachRemaining(m -> say("    %-17s top1 %.3f  top10 %.3f  mrr %.3f  mean cosine %.3f", m.getKey(),
            m.getValue().path("top1").asDouble(), m.getValue().path("top10").asDouble(), m.getValue().path("mrr").asDouble(),
            m.getValue().path("mean_cosine").asDouble()));
        JsonNode d = fit.path("diagnostics");
        say("    diagnostics: CKA %.3f, warnings %s", d.path("cka").asDouble(), d.path("warnings"));
        notes.put("auto_method", fit.path("method").asText());

        JsonNode docs = es.put("_latent/translator/" + BGE + "/" + MINILM, Map.of("source_role", "document")).ok();
        say("  bge-small documents -> MiniLM (for ingest): [%s], held-out top1 %.3f", docs.path("method").asText(),
            docs.path("metrics").path(docs.path("method").asText()).path("top1").asDouble());
        JsonNode e5 = es.put("_latent/translator/" + E5 + "/" + MINILM, Map.of()).ok();
        say("  e5-small queries -> MiniLM: [%s], held-out top1 %.3f", e5.path("method").asText(),
            e5.path("metrics").path(e5.path("method").asText()).path("top1").asDouble());
        JsonNode refused = es.put("_latent/translator/" + BGE + "/" + MINILM, Map.of("method", "linear",
            "min_quality", Map.of("mean_cosine", 0.99))).expectStatus(400).json();
        String kept = es.get("_latent/translator/" + BGE + "/" + MINILM).ok().path("method").asText();
        require(kept.equals(fit.path("method").asText()), "a fit below its min_quality is refused (400) and the previous translator stays");
        say("    %s", firstLine(refused.path("error").path("reason").asText()));
    }

    private void searchAcrossModels() throws Exception {
        step("4. Search the MiniLM index with bge-small queries (%,d queries, k=10, num_candidates=%d)", EVAL_QUERIES, NUM_CANDIDATES);
        List<String> relevant = evalRows.stream().map(this::id).toList();
        rank("native: MiniLM queries -> MiniLM index", INDEX, relevant, i -> knn("emb", minilmQueries[i]));
        rank("untranslated: bge-small queries -> MiniLM", INDEX, relevant, i -> knn("emb", bgeQueries[i]));
        for (String method : METHODS) {
            es.put("_latent/translator/" + BGE + "/" + MINILM, Map.of("method", method)).ok();
            rank("translated (" + method + "): latent_knn", INDEX, relevant, i -> latentKnn("emb", bgeQueries[i], BGE));
        }
        es.put("_latent/translator/" + BGE + "/" + MINILM, Map.of("method", "auto")).ok();
        rank("translated (auto): latent_knn", INDEX, relevant, i -> latentKnn("emb", bgeQueries[i], BGE));
        rank("translated (auto): knn + latent_translation", INDEX, relevant, i -> Map.of("knn", Map.of("field", "emb", "k", KnnEvaluation.K,
            "num_candidates", NUM_CANDIDATES, "query_vector_builder", Map.of("latent_translation", Map.of("vector", bgeQueries[i],
                "model", BGE, "target_model", MINILM)))));
        rank("translated (auto): e5-small queries", INDEX, relevant, i -> latentKnn("emb", e5Queries[i], E5));

        step("   ... and the index after a full re-embedding with bge-small, for comparison (the cost the plugin avoids)");
        createIndex(BGE_INDEX, Map.of("emb", vectorField(384, "hnsw", Map.of("latent_model", BGE)), "title", Map.of("type", "keyword")));
        ProgressBar bar = ProgressBar.start("indexing bge-small vectors", "docs");
        long t0 = System.nanoTime();
        KnnEvaluation.bulkIndex(es, BGE_INDEX, indexedRows.size(), i -> id(indexedRows.get(i)), i -> Map.of(
            "emb", bgeDocs[indexedRows.get(i)]), null, 1000, done -> bar.update(done, indexedRows.size()));
        notes.put("bge_index_seconds", String.valueOf((System.nanoTime() - t0) / 1e9));
        rank("native: bge-small queries -> bge-small index", BGE_INDEX, relevant, i -> knn("emb", bgeQueries[i]));

        int example = 0;
        say("  example: \"%s\" (the page %s); top 3 of latent_knn with the bge-small vector:", pages.get(evalRows.get(example)).summary(),
            pages.get(evalRows.get(example)).title());
        Map<String, Object> body = new LinkedHashMap<>(latentKnn("emb", bgeQueries[example], BGE));
        body.put("size", 3);
        body.put("fields", List.of("title"));
        body.put("_source", false);
        for (JsonNode hit : es.post(INDEX + "/_search", body).ok().path("hits").path("hits")) {
            say("    %.3f  %s", hit.path("_score").asDouble(), hit.path("fields").path("title").path(0).asText());
        }
    }

    private void ingestNewDocuments() throws Exception {
        step("5. Keep indexing: %,d new documents embedded only by bge-small, translated at ingest by [latent_translate]", NEW_DOCS);
        es.put("_ingest/pipeline/bge-to-minilm", Map.of("description", "bge-small documents into the MiniLM field", "processors", List.of(
            Map.of("latent_translate", Map.of("field", "emb_bge", "from", BGE, "to", MINILM, "role", "document", "target_field", "emb",
                "provenance_field", "_latent", "tag", "bge-to-minilm"))))).ok();
        ProgressBar bar = ProgressBar.start("indexing through the pipeline", "docs");
        KnnEvaluation.bulkIndex(es, INDEX, NEW_DOCS, i -> id(newRows.get(i)), i -> Map.of("emb_bge", bgeDocs[newRows.get(i)], "title",
            pages.get(newRows.get(i)).title()), "bge-to-minilm", 250, done -> bar.update(done, NEW_DOCS));
        JsonNode doc = es.get(INDEX + "/_doc/" + urlId(newRows.get(0)) + "?_source_includes=_latent,title").ok();
        say("  provenance stored beside the vector: %s", doc.path("_source").path("_latent"));
        List<String> relevant = newRows.stream().map(this::id).toList();
        int offset = EVAL_QUERIES;
        rank("new docs: bge-small queries, latent_knn", INDEX, relevant, i -> latentKnn("emb", bgeQueries[offset + i], BGE));
        rank("new docs: MiniLM queries, knn", INDEX, relevant, i -> knn("emb", minilmQueries[offset + i]));
    }

    private void searchDuringReembedding() throws Exception {
        int reembedded = indexedRows.size() / 2;
        step("6. Re-embed at your own pace: %,d of %,d documents get a bge-small vector in [emb_bge]; one query searches both fields",
            reembedded, indexedRows.size());
        ProgressBar bar = ProgressBar.start("re-embedding half the documents", "docs");
        KnnEvaluation.bulkIndex(es, INDEX, reembedded, i -> id(indexedRows.get(i)), i -> Map.of("emb", minilmDocs[indexedRows.get(i)],
            "emb_bge", bgeDocs[indexedRows.get(i)], "title", pages.get(indexedRows.get(i)).title()), null, 1000,
            done -> bar.update(done, reembedded));
        List<String> relevant = evalRows.stream().map(this::id).toList();
        rank("half re-embedded: old field only (latent_knn)", INDEX, relevant, i -> latentKnn("emb", bgeQueries[i], BGE));
        rank("half re-embedded: new field only (knn)", INDEX, relevant, i -> knn("emb_bge", bgeQueries[i]));
        say("  {\"dis_max\": {\"queries\": [{\"latent_knn\": {\"field\": \"emb\", ...}}, {\"knn\": {\"field\": \"emb_bge\", ...}}]}}");
        rank("half re-embedded: dis_max of both fields", INDEX, relevant, i -> Map.of("query", Map.of("dis_max", Map.of("queries",
            List.of(latentKnn("emb", bgeQueries[i], BGE).get("query"), knn("emb_bge", bgeQueries[i]).get("query"))))));
        say("  each document scored once by hand: the new field where it exists, the translated old field elsewhere");
        Map<String, Object> uncovered = Map.of("bool", Map.of("must_not", Map.of("exists", Map.of("field", "emb_bge"))));
        rank("half re-embedded: each document in one space", INDEX, relevant, i -> Map.of("query", Map.of("bool", Map.of("should", List.of(
            knn("emb_bge", bgeQueries[i]).get("query"), Map.of("latent_knn", Map.of("field", "emb", "query_vector", bgeQueries[i],
                "model", BGE, "role", "query", "k", KnnEvaluation.K, "num_candidates", NUM_CANDIDATES, "filter", uncovered)))))));
        say("  native bge-small cosines run higher than translated ones, so a hand-made merge lets re-embedded documents crowd out");
        say("  the rest. The mixed form scores each document once on one scale: translated and calibrated where only [emb] exists,");
        say("  a blend of both where [emb_bge] does:");
        say("  {\"latent_knn\": {\"field\": \"emb\", \"native_field\": \"emb_bge\", \"query_vector\": [...], \"model\": \"%s\", "
            + "\"k\": 10}}", BGE);
        rank("half re-embedded: mixed latent_knn (native_field)", INDEX, relevant, i -> mixedKnn(bgeQueries[i]));
        Ranking old = rankings.get("half re-embedded: old field only (latent_knn)"), fresh = rankings.get(
            "half re-embedded: new field only (knn)"), mixed = rankings.get("half re-embedded: mixed latent_knn (native_field)");
        say("  search with the mixed form from the first re-embedded document to the last: %+.3f recall@10 over the old field alone,",
            mixed.recall() - old.recall());
        say("  %+.3f over the new field alone; at 100 %% keep it (the two models' views of a document add up) or switch to knn",
            mixed.recall() - fresh.recall());
        require(mixed.recall() >= Math.max(old.recall(), fresh.recall()),
            "the mixed search is at least the better field while re-embedding");
    }

    private void relativeSpace() throws Exception {
        step("7. A shared relative space: [latent_relative] maps MiniLM vectors to their cosines with the %,d anchors", ANCHORS);
        es.put("_ingest/pipeline/minilm-relative", Map.of("processors", List.of(Map.of("latent_relative", Map.of("field", "emb", "model",
            MINILM, "role", "document", "target_field", "emb_rel", "tag", "minilm-relative"))))).ok();
        createIndex(RELATIVE_INDEX, Map.of("emb_rel", vectorField(ANCHORS, "flat", Map.of("latent_model", MINILM,
            "latent_space", "relative")), "title", Map.of("type", "keyword")));
        ProgressBar bar = ProgressBar.start("indexing relative vectors", "docs");
        KnnEvaluation.bulkIndex(es, RELATIVE_INDEX, indexedRows.size(), i -> id(indexedRows.get(i)), i -> Map.of(
            "emb", minilmDocs[indexedRows.get(i)]), "minilm-relative", 100, done -> bar.update(done, indexedRows.size()));
        List<String> relevant = evalRows.stream().map(this::id).toList();
        rank("relative field: bge-small queries, latent_knn", RELATIVE_INDEX, relevant, i -> latentKnn("emb_rel", bgeQueries[i], BGE));
    }

    private void measureLatency() {
        step("8. Latency on this node: %d interleaved rounds after %d warm-up rounds, one client", LATENCY_ROUNDS, LATENCY_WARMUP);
        Map<String, IntFunction<Map<String, Object>>> kinds = new LinkedHashMap<>();
        kinds.put("native knn (MiniLM vector)", i -> knn("emb", minilmQueries[i]));
        kinds.put("latent_knn (bge-small vector)", i -> latentKnn("emb", bgeQueries[i], BGE));
        kinds.put("knn + latent_translation", i -> Map.of("knn", Map.of("field", "emb", "k", KnnEvaluation.K, "num_candidates",
            NUM_CANDIDATES, "query_vector_builder", Map.of("latent_translation", Map.of("vector", bgeQueries[i], "model", BGE,
                "target_model", MINILM)))));
        kinds.put("mixed latent_knn (bge-small vector, both fields)", i -> mixedKnn(bgeQueries[i]));
        List<String> names = List.copyOf(kinds.keySet());
        double[][] millis = new double[names.size()][LATENCY_ROUNDS];
        for (int round = -LATENCY_WARMUP; round < LATENCY_ROUNDS; round++) {
            int query = Math.floorMod(round, EVAL_QUERIES);
            for (int k = 0; k < names.size(); k++) {
                int kind = (k + Math.floorMod(round, names.size())) % names.size(); // rotate the order so no kind always goes first
                Map<String, Object> body = new LinkedHashMap<>(kinds.get(names.get(kind)).apply(query));
                body.put("size", KnnEvaluation.K);
                body.put("_source", false);
                long t0 = System.nanoTime();
                es.post(INDEX + "/_search", body).ok();
                if (round >= 0) {
                    millis[kind][round] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        for (int k = 0; k < names.size(); k++) {
            Arrays.sort(millis[k]);
            latencies.put(names.get(k), millis[k]);
        }
    }

    private void printReport() {
        step("The migration in numbers (%,d documents, %,d anchors, %,d queries; machine: %d cores)", pages.size(), ANCHORS, EVAL_QUERIES,
            Runtime.getRuntime().availableProcessors());
        Ranking nativeA = rankings.get("native: MiniLM queries -> MiniLM index"), nativeB = rankings.get(
            "native: bge-small queries -> bge-small index");
        say("  %-50s %9s %7s %9s %9s", "search", "recall@10", "MRR", "/native A", "/native B");
        rankings.forEach((name, r) -> say("  %-50s %9.3f %7.3f %9.3f %9.3f", name, r.recall(), r.mrr(), r.recall() / nativeA.recall(),
            r.recall() / nativeB.recall()));
        say("  (new docs rows rank the %d documents added through the pipeline; the others the %,d evaluation queries' own pages)",
            NEW_DOCS, EVAL_QUERIES);
        say("");
        say("  %-50s %9s %9s %9s", "latency (ms, client side)", "p50", "p99", "p50 ratio");
        double nativeP50 = percentile(latencies.values().iterator().next(), 0.5);
        latencies.forEach((name, ms) -> say("  %-50s %9.2f %9.2f %9.3f", name, percentile(ms, 0.5), percentile(ms, 0.99),
            percentile(ms, 0.5) / nativeP50));

        say("");
        Encoder encoder = Encoder.BGE_SMALL;
        List<String> sample = indexedRows.subList(0, REEMBED_SAMPLE).stream().map(r -> pages.get(r).description()).toList();
        long t0 = System.nanoTime();
        encoder.embed(sample, Role.DOCUMENT, (done, total, nanos) -> {});
        double docsPerSecond = REEMBED_SAMPLE / ((System.nanoTime() - t0) / 1e9);
        double reembedSeconds = pages.size() / docsPerSecond + Double.parseDouble(notes.get("bge_index_seconds"));
        double anchorSeconds = 2.0 * ANCHORS / docsPerSecond; // both roles of the new model
        double fitSeconds = Long.parseLong(notes.get("fit_millis_auto")) / 1e3,
            uploadSeconds = Double.parseDouble(notes.get("upload_seconds"));
        double bridgeSeconds = anchorSeconds + uploadSeconds + fitSeconds;
        int cores = Runtime.getRuntime().availableProcessors();
        say("  cost of switching query models (bge-small on this machine: %.1f documents/s, measured on %d uncached documents)",
            docsPerSecond, REEMBED_SAMPLE);
        say("  %-50s %9.0f s  %7.2f core-hours", "re-embed and re-index the corpus", reembedSeconds, reembedSeconds * cores / 3600);
        say("  %-50s %9.0f s  %7.2f core-hours", "embed " + ANCHORS + " anchors (2 roles), upload, fit", bridgeSeconds,
            bridgeSeconds * cores / 3600);
        say("  %-50s %9.1f x", "ratio on this corpus", reembedSeconds / bridgeSeconds);
        for (double corpusSize : new double[] {1e6, 1e7}) {
            say("  %-50s %9.1f h against %.1f min for the anchors and fit (%.0f x)", String.format(Locale.ROOT,
                "re-embedding %,.0f documents at this rate", corpusSize), corpusSize / docsPerSecond / 3600, bridgeSeconds / 60,
                corpusSize / docsPerSecond / bridgeSeconds);
        }
        say("  fit times (ms): orthogonal %s, linear %s, affine %s, inverse_relative %s, auto (all four + refit) %s",
            notes.get("fit_millis_orthogonal"), notes.get("fit_millis_linear"), notes.get("fit_millis_affine"),
            notes.get("fit_millis_inverse_relative"), notes.get("fit_millis_auto"));

        Path results = Path.of(System.getProperty("latent.results.dir", "target/demo-results"));
        List<String> kinds = List.copyOf(latencies.keySet());
        Charts.bars(results, "demo-latency", String.format(Locale.ROOT, "search latency, %,d documents, one client",
            indexedRows.size() + NEW_DOCS),
            "milliseconds", kinds, series("p50", kinds.stream().mapToDouble(k -> percentile(latencies.get(k), 0.5)).toArray(), "p99",
                kinds.stream().mapToDouble(k -> percentile(latencies.get(k), 0.99)).toArray()));
        List<String> searches = List.copyOf(rankings.keySet());
        Charts.bars(results, "demo-recall", "recall@10 and MRR of each search in the demo", "", searches, series(
            "recall@10", searches.stream().mapToDouble(k -> rankings.get(k).recall()).toArray(), "MRR",
            searches.stream().mapToDouble(k -> rankings.get(k).mrr()).toArray()));
        say("  charts and their data: %s", results.toAbsolutePath());

        Ranking translated = rankings.get("translated (auto): latent_knn"), untranslated = rankings.get(
            "untranslated: bge-small queries -> MiniLM");
        require(translated.recall() > untranslated.recall(), "translation beats untranslated vectors");
        require(translated.recall() >= 0.8 * nativeA.recall(), "translated recall is at least 0.8 of native");
        require(Math.abs(translated.recall() - rankings.get("translated (auto): knn + latent_translation").recall()) <= 0.02,
            "latent_knn and the query vector builder agree");
    }

    private void rank(String name, String index, List<String> relevant, IntFunction<Map<String, Object>> body) throws Exception {
        ProgressBar bar = ProgressBar.start(name.length() > 44 ? name.substring(0, 44) : name, "queries");
        Ranking r = KnnEvaluation.rank(es, index, relevant, body, done -> bar.update(done, relevant.size()));
        rankings.put(name, r);
        say("    recall@10 %.3f  MRR %.3f", r.recall(), r.mrr());
    }

    private static Map<String, Object> knn(String field, float[] vector) {
        return Map.of("query", Map.of("knn", Map.of("field", field, "query_vector", vector, "k", KnnEvaluation.K, "num_candidates",
            NUM_CANDIDATES)));
    }

    /** The mixed search of the half re-embedded index: the MiniLM field translated, the bge-small field native. */
    private static Map<String, Object> mixedKnn(float[] vector) {
        return Map.of("query", Map.of("latent_knn", Map.of("field", "emb", "native_field", "emb_bge", "query_vector", vector, "model", BGE,
            "role", "query", "k", KnnEvaluation.K, "num_candidates", NUM_CANDIDATES)));
    }

    private static Map<String, Object> latentKnn(String field, float[] vector, String model) {
        return Map.of("query", Map.of("latent_knn", Map.of("field", field, "query_vector", vector, "model", model, "role", "query", "k",
            KnnEvaluation.K, "num_candidates", NUM_CANDIDATES)));
    }

    private void createIndex(String name, Map<String, Object> properties) {
        es.put(name, Map.of("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0), "mappings", Map.of(
            "properties", properties))).ok();
    }

    private static Map<String, Object> vectorField(int dims, String indexType, Map<String, String> meta) {
        return Map.of("type", "dense_vector", "dims", dims, "similarity", "cosine", "index_options", Map.of("type", indexType),
            "meta", meta);
    }

    private String id(int row) {
        return pages.get(row).id();
    }

    private String urlId(int row) {
        return URLEncoder.encode(id(row), StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static List<float[]> rows(float[][] vectors, List<Integer> rows) {
        return rows.stream().map(r -> vectors[r]).toList();
    }

    /** Two named series in this order (the chart's legend order). */
    private static Map<String, double[]> series(String first, double[] a, String second, double[] b) {
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put(first, a);
        m.put(second, b);
        return m;
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    private static void require(boolean condition, String claim) {
        if (condition == false) {
            throw new IllegalStateException("demo check failed: " + claim);
        }
        say("  check passed: %s", claim);
    }

    private static String firstLine(String s) {
        String line = s == null ? "" : s.lines().findFirst().orElse("");
        return line.length() > 160 ? line.substring(0, 160) + "..." : line;
    }

    private static void step(String format, Object... args) {
        say("");
        say("== " + format, args);
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
