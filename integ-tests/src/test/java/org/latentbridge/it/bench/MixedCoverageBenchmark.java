package org.latentbridge.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.latentbridge.it.ElasticsearchCluster;
import org.latentbridge.it.EsHttp;
import org.latentbridge.it.ItEnvironment;
import org.latentbridge.it.KnnEvaluation;
import org.latentbridge.it.KnnEvaluation.Ranking;
import org.latentbridge.testing.Charts;
import org.latentbridge.testing.EmbeddingCache;
import org.latentbridge.testing.Encoder;
import org.latentbridge.testing.ManPage;
import org.latentbridge.testing.ManPageCorpus;
import org.latentbridge.testing.Role;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

import static org.latentbridge.it.bench.NodeBenchmarks.say;

/**
 * Search through a migration: an index of all-MiniLM-L6-v2 vectors ({@code emb}) whose documents are re-embedded by
 * a new model into a second field ({@code emb_bge}, {@code emb_e5}) a part at a time, searched with the new model's
 * query vectors at coverage levels 0-100 %. The corpus and its split are the demo's ({@link ManPageCorpus#large()},
 * 4,000 anchors, 2,000 evaluation queries, each a page's summary whose own page is the one relevant document); the
 * re-embedded documents are a seeded random choice, each level's set containing the previous one, and each level
 * only adds the new field to the newly covered documents (a bulk update), as a backfill would.
 *
 * <p>For each level and pair, recall@10 and MRR of: (1) {@code latent_knn} on the old field alone, (2) {@code knn}
 * on the new field alone, (3) the {@code dis_max} of both, (4) the mixed {@code latent_knn} (with
 * {@code native_field}) at each {@code native_weight} of a small grid, and (5) the mixed search after refitting the
 * translator with the re-embedded documents added as anchors (an import with {@code paired_field}, capped and
 * seeded). Then the latency p50 of (4) against native {@code knn} on the new field, interleaved in one run; and at
 * 100 % coverage, after the searches, what keeping the old field costs on disk and in memory. When the
 * node does not know the mixed form, (4) and (5) are reported as unavailable and the rest still runs.
 *
 * <p>{@code bin/mvn -B -q -Pdemo -Dlatent.main=org.latentbridge.it.bench.MixedCoverageBenchmark -DskipTests -pl integ-tests -am verify}
 */
public final class MixedCoverageBenchmark {
    private static final int ANCHORS = 4000, NEW_DOCS = 500, EVAL_QUERIES = 2000, NUM_CANDIDATES = 100, DIMS = 384;
    private static final String INDEX = "migrating", MINILM = "minilm";

    /** A migration from MiniLM to {@code model}, whose vectors go to {@code field}. */
    private record Pair(String model, Encoder encoder, String field) {
        static Pair of(String model) {
            return switch (model) {
                case "bge-small" -> new Pair(model, Encoder.BGE_SMALL, "emb_bge");
                case "e5-small" -> new Pair(model, Encoder.E5_SMALL, "emb_e5");
                default -> throw new IllegalArgumentException("unknown pair [" + model + "], expected bge-small or e5-small");
            };
        }
    }

    /** One pair's vectors: every document, the evaluation queries, the anchors in the query role. */
    private record PairVectors(float[][] docs, float[][] queries, float[][] anchorQueries) {}

    /** The figures of one pair at one coverage level; null where a search was not available. */
    private static final class Level {
        final int percent;
        int covered;
        Ranking oldOnly, newOnly, disMax, refit;
        final Map<Double, Ranking> mixed = new LinkedHashMap<>();
        String refitNote = "";

        Level(int percent) {
            this.percent = percent;
        }
    }

    private final List<ManPage> pages;
    private final List<Integer> anchorRows, newRows, indexedRows, evalRows, coverageOrder;
    private final List<Pair> pairs;
    private final int[] levels;
    private final double[] weights;
    private final double defaultWeight;
    private final int seed, maxRefitAnchors, latencyRounds, latencyWarmup, latencyLevel;
    private final String refitRole;
    private final boolean refitEnabled;
    private final Map<String, PairVectors> vectors = new HashMap<>();
    private final Map<String, List<Level>> results = new LinkedHashMap<>();
    private final Map<String, double[]> latencyP50 = new LinkedHashMap<>();
    private float[][] minilmDocs;
    private String method;
    private EsHttp es;
    /** Why the mixed search is unavailable on this node, or null while it works. */
    private String mixedUnavailable;

    private MixedCoverageBenchmark(ManPageCorpus corpus, Map<String, String> options) {
        this.pages = corpus.pages();
        // the demo's split, so that its embeddings are shared through the cache
        List<Integer> order = NodeBenchmarks.shuffledRows(pages.size(), 0);
        anchorRows = List.copyOf(order.subList(0, ANCHORS));
        newRows = List.copyOf(order.subList(ANCHORS, ANCHORS + NEW_DOCS));
        List<Integer> indexed = new ArrayList<>(order);
        indexed.removeAll(newRows);
        indexedRows = List.copyOf(indexed);
        evalRows = List.copyOf(order.subList(ANCHORS + NEW_DOCS, ANCHORS + NEW_DOCS + EVAL_QUERIES));

        pairs = Arrays.stream(options.getOrDefault("pairs", "bge-small,e5-small").split(",")).map(Pair::of).toList();
        levels = Arrays.stream(options.getOrDefault("levels", "0,10,25,50,75,90,100").split(",")).mapToInt(Integer::parseInt).toArray();
        weights = Arrays.stream(options.getOrDefault("weights", "0.5,0.6,0.7,0.8,0.9").split(",")).mapToDouble(Double::parseDouble)
            .toArray();
        defaultWeight = Double.parseDouble(options.getOrDefault("weight", "0.7"));
        seed = Integer.parseInt(options.getOrDefault("seed", "17"));
        maxRefitAnchors = Integer.parseInt(options.getOrDefault("max_anchors", "4000"));
        refitRole = options.getOrDefault("refit_role", "query");
        refitEnabled = Boolean.parseBoolean(options.getOrDefault("refit", "true"));
        latencyRounds = Integer.parseInt(options.getOrDefault("latency_rounds", "400"));
        latencyWarmup = Integer.parseInt(options.getOrDefault("latency_warmup", "100"));
        latencyLevel = Integer.parseInt(options.getOrDefault("latency_level", "50"));

        coverageOrder = new ArrayList<>(indexedRows);
        Collections.shuffle(coverageOrder, new Random(seed));
    }

    /**
     * Arguments ({@code -Dlatent.args="..."}): {@code pairs=bge-small,e5-small}, {@code levels=0,10,25,50,75,90,100},
     * {@code weights=0.5,0.6,0.7,0.8,0.9} (the {@code native_weight} grid), {@code weight=0.7} (the one in the main
     * table and the refit), {@code seed=17} (coverage order and anchor sample), {@code max_anchors=4000} (the refit's
     * cap), {@code refit_role=query} (the role the re-embedded vectors are imported into), {@code refit=true},
     * {@code latency_rounds=400}, {@code latency_warmup=100}, {@code latency_level=50} (the coverage it is measured at).
     */
    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        MixedCoverageBenchmark bench = new MixedCoverageBenchmark(ManPageCorpus.large(), NodeBenchmarks.options(args));
        bench.embed();
        try (ElasticsearchCluster cluster = ElasticsearchCluster.builder("mixed-coverage").nodes(1).heap("2g").build()) {
            cluster.start();
            bench.es = cluster.http().withTimeout(Duration.ofMinutes(20));
            bench.run();
        }
        say("finished in %.0f s", (System.nanoTime() - start) / 1e9);
    }

    private void embed() {
        EmbeddingCache cache = EmbeddingCache.shared();
        List<String> documents = pages.stream().map(ManPage::description).toList();
        List<String> anchorTexts = anchorRows.stream().map(r -> pages.get(r).description()).toList();
        // the demo's query list (evaluation queries, then its new documents'), so that the cache entry is shared
        List<Integer> queryRows = new ArrayList<>(evalRows);
        queryRows.addAll(newRows);
        List<String> queries = queryRows.stream().map(r -> pages.get(r).summary()).toList();
        say("embedding %,d documents, %,d anchors, %,d queries (cache: %s)", documents.size(), ANCHORS, queries.size(), cache.dir());
        minilmDocs = cache.embed(Encoder.MINILM, Role.DOCUMENT, documents);
        // every pair's vectors are embedded even when fewer pairs run, so that a later run finds them cached
        for (String model : List.of("bge-small", "e5-small")) {
            Pair pair = Pair.of(model);
            float[][] docs = cache.embed(pair.encoder(), Role.DOCUMENT, documents);
            float[][] queryVectors = cache.embed(pair.encoder(), Role.QUERY, queries);
            float[][] anchorQueries = cache.embed(pair.encoder(), Role.QUERY, anchorTexts);
            vectors.put(model, new PairVectors(docs, queryVectors, anchorQueries));
        }
    }

    private void run() throws Exception {
        say("Elasticsearch %s; %,d documents in [%s] (HNSW, cosine), %,d anchors, %,d queries; pairs %s; levels %s; seed %d",
            ItEnvironment.esVersion(), indexedRows.size(), INDEX, ANCHORS, EVAL_QUERIES, pairs.stream().map(Pair::model).toList(),
            Arrays.toString(levels), seed);
        createIndex();
        fitOriginalTranslators();
        int covered = 0;
        for (int percent : levels) {
            int target = (int) Math.round(indexedRows.size() * percent / 100.0);
            long t0 = System.nanoTime();
            backfill(covered, target);
            say("");
            say("== coverage %d %%: %,d of %,d documents have the new fields (backfill of %,d in %.1f s)", percent, target,
                indexedRows.size(), target - covered, (System.nanoTime() - t0) / 1e9);
            covered = target;
            for (Pair pair : pairs) {
                Level level = new Level(percent);
                level.covered = covered;
                results.computeIfAbsent(pair.model(), k -> new ArrayList<>()).add(level);
                evaluate(pair, level);
            }
            if (percent == latencyLevel) {
                for (Pair pair : pairs) {
                    measureLatency(pair);
                }
            }
            if (refitEnabled && covered > 0 && mixedUnavailable == null) {
                for (Pair pair : pairs) {
                    refit(pair, results.get(pair.model()).get(results.get(pair.model()).size() - 1));
                }
            }
            if (percent == 100) {
                // last, because the force-merge rebuilds the graphs every search above was measured on
                measureDiskUsage(covered);
            }
        }
        report();
    }

    private void createIndex() throws Exception {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("emb", NodeBenchmarks.vectorField(DIMS, MINILM));
        for (Pair pair : pairs) {
            properties.put(pair.field(), NodeBenchmarks.vectorField(DIMS, pair.model()));
        }
        es.put(INDEX, Map.of("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0), "mappings", Map.of(
            "properties", properties))).ok();
        long t0 = System.nanoTime();
        KnnEvaluation.bulkIndex(es, INDEX, indexedRows.size(), i -> id(indexedRows.get(i)), i -> Map.of("emb",
            minilmDocs[indexedRows.get(i)]), null, 1000, done -> {});
        say("indexed %,d MiniLM vectors in %.1f s", indexedRows.size(), (System.nanoTime() - t0) / 1e9);
    }

    /** The models and their original anchors (the demo's 4,000), and the translators fitted on them alone. */
    private void fitOriginalTranslators() {
        registerModels();
        JsonNode fit = es.put("_latent/translator/" + pairs.get(0).model() + "/" + MINILM, Map.of("method", "auto")).ok();
        method = fit.path("method").asText();
        say("translator %s -> %s: auto chose [%s]; every fit below uses it, so that a refit differs only in its anchors",
            pairs.get(0).model(), MINILM, method);
        fitTranslators();
    }

    private void registerModels() {
        // ids apart from the documents' own, so that an import of re-embedded documents adds to the anchors, never replaces
        List<String> anchorIds = anchorRows.stream().map(r -> "anchor/" + id(r)).toList();
        es.put("_latent/model/" + MINILM, Map.of("dims", DIMS)).ok();
        upload(MINILM, "document", anchorIds, rows(minilmDocs, anchorRows));
        for (Pair pair : pairs) {
            PairVectors v = vectors.get(pair.model());
            es.put("_latent/model/" + pair.model(), Map.of("dims", DIMS, "roles", List.of("query", "document"))).ok();
            upload(pair.model(), "query", anchorIds, List.of(v.anchorQueries()));
            upload(pair.model(), "document", anchorIds, rows(v.docs(), anchorRows));
        }
    }

    private void fitTranslators() {
        for (Pair pair : pairs) {
            JsonNode fit = es.put("_latent/translator/" + pair.model() + "/" + MINILM, Map.of("method", method)).ok();
            say("  %s -> %s [%s] on %d anchors: held-out top10 %.3f", pair.model(), MINILM, method,
                fit.path("anchors").path("fit").asInt() + fit.path("anchors").path("held_out").asInt(),
                fit.path("metrics").path(method).path("top10").asDouble());
        }
    }

    private void upload(String model, String role, List<String> ids, List<float[]> vectorList) {
        for (int from = 0; from < ids.size(); from += 2000) {
            int to = Math.min(ids.size(), from + 2000);
            es.post("_latent/model/" + model + "/_anchors", Map.of("role", role, "ids", ids.subList(from, to),
                "vectors", vectorList.subList(from, to))).ok();
        }
    }

    /** Adds the new fields to the documents {@code from..to} of the coverage order: a partial update, as a backfill does. */
    private void backfill(int from, int to) throws Exception {
        for (int start = from; start < to; start += 500) {
            int end = Math.min(to, start + 500);
            StringBuilder body = new StringBuilder();
            for (int i = start; i < end; i++) {
                int row = coverageOrder.get(i);
                Map<String, Object> doc = new LinkedHashMap<>();
                for (Pair pair : pairs) {
                    doc.put(pair.field(), vectors.get(pair.model()).docs()[row]);
                }
                body.append(EsHttp.JSON.writeValueAsString(Map.of("update", Map.of("_id", id(row))))).append('\n');
                body.append(EsHttp.JSON.writeValueAsString(Map.of("doc", doc))).append('\n');
            }
            JsonNode result = es.post(INDEX + "/_bulk", body.toString()).ok();
            if (result.path("errors").asBoolean()) {
                throw new IllegalStateException("backfill failed: " + result.path("items").toString().substring(0, 2000));
            }
        }
        es.post(INDEX + "/_refresh", null).ok();
        long withOld = es.post(INDEX + "/_count", Map.of("query", Map.of("exists", Map.of("field", "emb")))).ok().path("count").asLong();
        if (withOld != indexedRows.size()) {
            throw new IllegalStateException("the backfill lost old vectors: " + withOld + " documents have [emb]");
        }
    }

    private void evaluate(Pair pair, Level level) throws Exception {
        float[][] q = vectors.get(pair.model()).queries();
        level.oldOnly = rank(pair, "(1) old field, latent_knn", i -> Map.of("query", latentKnn(pair, q[i])));
        level.newOnly = rank(pair, "(2) new field, knn", i -> Map.of("query", knn(pair.field(), q[i])));
        level.disMax = rank(pair, "(3) dis_max of both", i -> Map.of("query", Map.of("dis_max", Map.of("queries", List.of(
            latentKnn(pair, q[i]), knn(pair.field(), q[i]))))));
        for (double w : weights) {
            Ranking r = rankMixed(pair, String.format(Locale.ROOT, "(4) mixed, native_weight %.1f", w), i -> Map.of("query",
                mixed(pair, q[i], w)));
            if (r == null) {
                break;
            }
            level.mixed.put(w, r);
        }
    }

    /**
     * (5): the re-embedded documents become anchors of both models (the import pairs them by id, capped and seeded),
     * the translator is refitted with the same method, the mixed search measured; then the original anchors are
     * restored (models re-registered) so that the next level starts from the same translator.
     */
    private void refit(Pair pair, Level level) throws Exception {
        long t0 = System.nanoTime();
        boolean changed = false;
        try {
            JsonNode a = es.put("_latent/model/" + MINILM + "/_anchors", Map.of("role", "document", "source", importSource("emb",
                pair.field()))).ok();
            changed = true; // from here on the original anchors must be restored, whatever fails
            JsonNode b = es.put("_latent/model/" + pair.model() + "/_anchors", Map.of("role", refitRole, "source", importSource(
                pair.field(), "emb"))).ok();
            JsonNode fit = es.put("_latent/translator/" + pair.model() + "/" + MINILM, Map.of("method", method)).ok();
            level.refitNote = String.format(Locale.ROOT, "+%d/%d anchors, held-out top10 %.3f", a.path("added").asInt(),
                b.path("added").asInt(), fit.path("metrics").path(method).path("top10").asDouble());
            say("  refit %s: imported %s (%.1f s)", pair.model(), level.refitNote, (System.nanoTime() - t0) / 1e9);
            float[][] q = vectors.get(pair.model()).queries();
            level.refit = rankMixed(pair, String.format(Locale.ROOT, "(5) mixed after refit, native_weight %.1f", defaultWeight),
                i -> Map.of("query", mixed(pair, q[i], defaultWeight)));
        } catch (RuntimeException e) {
            level.refitNote = "unavailable: " + firstLine(e.getMessage());
            say("  refit %s %s", pair.model(), level.refitNote);
        } finally {
            if (changed) {
                es.delete("_latent/model/" + MINILM + "?force=true").ok();
                for (Pair other : pairs) {
                    es.delete("_latent/model/" + other.model() + "?force=true").ok();
                }
                registerModels();
                fitTranslators();
            }
        }
    }

    private Map<String, Object> importSource(String field, String pairedField) {
        return Map.of("index", INDEX, "field", field, "id_field", "_id", "paired_field", pairedField, "max_anchors", maxRefitAnchors,
            "seed", seed);
    }

    private Ranking rank(Pair pair, String name, IntFunction<Map<String, Object>> body) throws Exception {
        long t0 = System.nanoTime();
        Ranking r = KnnEvaluation.rank(es, INDEX, relevant(), body, done -> {});
        say("  %-10s %-44s recall@10 %.3f  MRR %.3f  (%.0f s)", pair.model(), name, r.recall(), r.mrr(), (System.nanoTime() - t0) / 1e9);
        return r;
    }

    /** As {@link #rank}, but a node without the mixed form answers null (once said why) rather than failing the run. */
    private Ranking rankMixed(Pair pair, String name, IntFunction<Map<String, Object>> body) throws Exception {
        if (mixedUnavailable != null) {
            return null;
        }
        try {
            return rank(pair, name, body);
        } catch (RuntimeException | AssertionError e) {
            mixedUnavailable = firstLine(e.getMessage());
            say("  the mixed search is unavailable on this node; (4) and (5) are skipped: %s", mixedUnavailable);
            return null;
        }
    }

    private List<String> relevant() {
        return evalRows.stream().map(this::id).toList();
    }

    /**
     * The latency of the mixed search against native {@code knn} on the new field and {@code latent_knn} on the old
     * one, in interleaved rounds (the order rotates each round) so that drift in the machine hits every kind alike.
     */
    private void measureLatency(Pair pair) {
        float[][] q = vectors.get(pair.model()).queries();
        Map<String, IntFunction<Map<String, Object>>> kinds = new LinkedHashMap<>();
        kinds.put("native knn (new field)", i -> knn(pair.field(), q[i]));
        kinds.put("latent_knn (old field)", i -> latentKnn(pair, q[i]));
        if (mixedUnavailable == null) {
            kinds.put("mixed latent_knn", i -> mixed(pair, q[i], defaultWeight));
        }
        List<String> names = List.copyOf(kinds.keySet());
        double[][] millis = new double[names.size()][latencyRounds];
        for (int round = -latencyWarmup; round < latencyRounds; round++) {
            int query = Math.floorMod(round, EVAL_QUERIES);
            for (int k = 0; k < names.size(); k++) {
                int kind = (k + Math.floorMod(round, names.size())) % names.size();
                Map<String, Object> body = Map.of("query", kinds.get(names.get(kind)).apply(query), "size", KnnEvaluation.K,
                    "_source", false);
                long t0 = System.nanoTime();
                es.post(INDEX + "/_search", body).ok();
                if (round >= 0) {
                    millis[kind][round] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        say("  latency at %d %% coverage, %s, %d interleaved rounds after %d warm-up rounds:", latencyLevel, pair.model(), latencyRounds,
            latencyWarmup);
        double nativeP50 = 0;
        for (int k = 0; k < names.size(); k++) {
            Arrays.sort(millis[k]);
            double p50 = percentile(millis[k], 0.5);
            if (k == 0) {
                nativeP50 = p50;
            }
            latencyP50.put(pair.model() + ": " + names.get(k), new double[] {p50, percentile(millis[k], 0.99), p50 / nativeP50});
            say("    %-28s p50 %7.2f ms  p99 %7.2f ms  p50 / native %.3f", names.get(k), p50, percentile(millis[k], 0.99),
                p50 / nativeP50);
        }
    }

    /**
     * What keeping the old field costs once every document has the new one: the index force-merged to one segment,
     * then Elasticsearch's per-field disk usage, and the HNSW memory estimate of its sizing guide for float vectors.
     */
    private void measureDiskUsage(int covered) {
        long t0 = System.nanoTime();
        awaitHistoryReleased();
        long waited = System.nanoTime() - t0;
        es.post(INDEX + "/_forcemerge?max_num_segments=1", null).ok();
        JsonNode segments = es.get("_cat/segments/" + INDEX + "?format=json").ok();
        long deleted = 0;
        for (JsonNode segment : segments) {
            deleted += segment.path("docs.deleted").asLong();
        }
        JsonNode usage = es.post(INDEX + "/_disk_usage?run_expensive_tasks=true", null).ok().path(INDEX);
        JsonNode fields = usage.path("fields");
        say("  disk usage after a force-merge (%.0f s, of which %.0f s waiting for the history retention lease): %d segment(s), %,d live "
            + "and %,d deleted documents; per-field bytes from _disk_usage:", (System.nanoTime() - t0) / 1e9, waited / 1e9, segments.size(),
            indexedRows.size(), deleted);
        Map<String, Integer> vectorCounts = new LinkedHashMap<>();
        vectorCounts.put("emb", indexedRows.size());
        for (Pair pair : pairs) {
            vectorCounts.put(pair.field(), covered);
        }
        vectorCounts.forEach((field, count) -> {
            long total = fields.path(field).path("total_in_bytes").asLong();
            long knn = fields.path(field).path("knn_vectors_in_bytes").asLong();
            // Elasticsearch's documented sizing for float HNSW: num_vectors * 4 * (dims + 12) bytes, vectors and graph together
            long heapEstimate = (long) count * Float.BYTES * (DIMS + 12);
            say("    %-8s total %,12d bytes (%,7.1f / doc)  knn_vectors %,12d bytes (%,7.1f / doc)  "
                + "estimated HNSW off-heap memory %,d bytes (%,d vectors * 4 * (%d + 12), an estimate)", field, total,
                (double) total / indexedRows.size(), knn, (double) knn / indexedRows.size(), heapEstimate, count, DIMS);
        });
        long source = fields.path("_source").path("total_in_bytes").asLong();
        long allFields = usage.path("all_fields").path("total_in_bytes").asLong();
        long store = usage.path("store_size_in_bytes").asLong();
        long old = fields.path("emb").path("total_in_bytes").asLong();
        say("    _source  total %,12d bytes (%,7.1f / doc)", source, (double) source / indexedRows.size());
        say("    index    all fields %,d bytes, store %,d bytes (%,.1f / doc); the old field [emb] is %.1f %% of the store", allFields,
            store, (double) store / indexedRows.size(), 100.0 * old / store);
    }

    /**
     * Lets a merge drop the soft-deleted pre-update copies of the documents, which the shard keeps as history until a
     * commit covers the backfill (hence the flush) and its retention leases move past it (a background sync, every 30 s);
     * without this the disk usage counts the old field's vectors twice.
     */
    private void awaitHistoryReleased() {
        es.post(INDEX + "/_flush", null).ok();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            JsonNode shard = es.get(INDEX + "/_stats?level=shards").ok().path("indices").path(INDEX).path("shards").path("0").path(0);
            long maxSeqNo = shard.path("seq_no").path("max_seq_no").asLong();
            boolean released = true;
            for (JsonNode lease : shard.path("retention_leases").path("leases")) {
                released &= lease.path("retaining_seq_no").asLong() > maxSeqNo;
            }
            if (released) {
                return;
            }
            if (System.nanoTime() > deadline) {
                say("  the retention leases still retain history after 3 minutes; deleted copies may be counted below");
                return;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the retention leases", e);
            }
        }
    }

    private void report() {
        Path dir = Path.of(System.getProperty("latent.results.dir", "target/demo-results"));
        for (Pair pair : pairs) {
            List<Level> rows = results.get(pair.model());
            say("");
            say("== %s -> %s: recall@10 / MRR by coverage (%,d documents, %,d queries, HNSW, k=10, num_candidates=%d)", pair.model(),
                MINILM, indexedRows.size(), EVAL_QUERIES, NUM_CANDIDATES);
            say("  %8s | %-13s | %-13s | %-13s | %-13s | %-13s | %s", "coverage", "(1) old", "(2) new", "(3) dis_max",
                String.format(Locale.ROOT, "(4) mixed %.1f", defaultWeight), "(5) refit", "(4) - max((1),(2))");
            for (Level l : rows) {
                Ranking m = l.mixed.get(defaultWeight);
                say("  %7d%% | %s | %s | %s | %s | %s | %s", l.percent, cell(l.oldOnly), cell(l.newOnly), cell(l.disMax), cell(m),
                    cell(l.refit), m == null ? "n/a" : String.format(Locale.ROOT, "%+.3f", m.recall() - Math.max(l.oldOnly.recall(),
                        l.newOnly.recall())));
            }
            if (rows.stream().anyMatch(l -> l.mixed.size() > 1)) {
                say("  native_weight grid, recall@10 (MRR):");
                StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %8s", "coverage"));
                for (double w : weights) {
                    header.append(String.format(Locale.ROOT, " | %-13s", "w=" + w));
                }
                say("%s", header);
                for (Level l : rows) {
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %7d%%", l.percent));
                    for (double w : weights) {
                        line.append(" | ").append(cell(l.mixed.get(w)));
                    }
                    say("%s", line);
                }
            }
            if (rows.stream().anyMatch(l -> l.refitNote.isEmpty() == false)) {
                say("  refit notes:");
                rows.stream().filter(l -> l.refitNote.isEmpty() == false).forEach(l -> say("    %3d %%: %s", l.percent, l.refitNote));
            }
            chart(dir, pair, rows);
        }
        if (latencyP50.isEmpty() == false) {
            say("");
            say("== latency (ms, client side, one client) at %d %% coverage", latencyLevel);
            latencyP50.forEach((name, v) -> say("  %-44s p50 %7.2f  p99 %7.2f  p50 / native knn %.3f", name, v[0], v[1], v[2]));
        }
        if (mixedUnavailable != null) {
            say("");
            say("(4) and (5) were unavailable on this node: %s", mixedUnavailable);
        }
        say("charts and their data: %s", dir.toAbsolutePath());
    }

    /** A PNG line chart (and its CSV) of recall@10 by coverage, and the same as a mermaid xychart for BENCHMARKS.md. */
    private void chart(Path dir, Pair pair, List<Level> rows) {
        double[] x = rows.stream().mapToDouble(l -> l.percent).toArray();
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("(1) old field, latent_knn", rows.stream().mapToDouble(l -> l.oldOnly.recall()).toArray());
        series.put("(2) new field, knn", rows.stream().mapToDouble(l -> l.newOnly.recall()).toArray());
        series.put("(3) dis_max of both", rows.stream().mapToDouble(l -> l.disMax.recall()).toArray());
        if (rows.stream().allMatch(l -> l.mixed.containsKey(defaultWeight))) {
            series.put("(4) mixed latent_knn", rows.stream().mapToDouble(l -> l.mixed.get(defaultWeight).recall()).toArray());
        }
        Charts.Lines lines = new Charts.Lines();
        series.forEach((name, y) -> lines.add(name, x, y));
        List<Level> refitted = rows.stream().filter(l -> l.refit != null).toList();
        if (refitted.isEmpty() == false) {
            lines.add("(5) mixed, refitted", refitted.stream().mapToDouble(l -> l.percent).toArray(),
                refitted.stream().mapToDouble(l -> l.refit.recall()).toArray());
        }
        Path png = Charts.lines(dir, "mixed-coverage-" + pair.model(), pair.model() + " queries on a MiniLM index being re-embedded",
            "documents re-embedded (%)", "recall@10", false, lines);
        say("  chart: %s", png.toAbsolutePath());
        say("  mermaid (lines in order: %s):", String.join(", ", series.keySet()));
        say("  ```mermaid");
        say("  xychart-beta");
        say("    title \"%s -> MiniLM: recall@10 by coverage\"", pair.model());
        say("    x-axis \"re-embedded (%%)\" [%s]", String.join(", ", rows.stream().map(l -> String.valueOf(l.percent)).toList()));
        say("    y-axis \"recall@10\" 0 --> 1");
        series.values().forEach(y -> say("    line [%s]", String.join(", ", Arrays.stream(y).mapToObj(v -> String.format(Locale.ROOT,
            "%.3f", v)).toList())));
        say("  ```");
    }

    private static String cell(Ranking r) {
        return r == null ? String.format(Locale.ROOT, "%-13s", "n/a") : String.format(Locale.ROOT, "%.3f / %.3f", r.recall(), r.mrr());
    }

    private static Map<String, Object> knn(String field, float[] vector) {
        return Map.of("knn", Map.of("field", field, "query_vector", vector, "k", KnnEvaluation.K, "num_candidates", NUM_CANDIDATES));
    }

    private static Map<String, Object> latentKnn(Pair pair, float[] vector) {
        return Map.of("latent_knn", Map.of("field", "emb", "query_vector", vector, "model", pair.model(), "role", "query", "k",
            KnnEvaluation.K, "num_candidates", NUM_CANDIDATES));
    }

    /** The mixed form: the old field translated, the new field native, each document scored once. */
    private static Map<String, Object> mixed(Pair pair, float[] vector, double nativeWeight) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("field", "emb");
        body.put("query_vector", vector);
        body.put("model", pair.model());
        body.put("role", "query");
        body.put("native_field", pair.field());
        body.put("native_weight", nativeWeight);
        body.put("k", KnnEvaluation.K);
        body.put("num_candidates", NUM_CANDIDATES);
        return Map.of("latent_knn", body);
    }

    private String id(int row) {
        return pages.get(row).id();
    }

    private static List<float[]> rows(float[][] all, List<Integer> rows) {
        return rows.stream().map(r -> all[r]).toList();
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    private static String firstLine(String s) {
        String line = s == null ? "" : s.lines().findFirst().orElse("");
        return line.length() > 240 ? line.substring(0, 240) + "..." : line;
    }
}
