package org.latentbridge.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.latentbridge.it.ElasticsearchCluster;
import org.latentbridge.it.EsHttp;
import org.latentbridge.it.ItEnvironment;
import org.latentbridge.it.KnnEvaluation;
import org.latentbridge.it.KnnEvaluation.Ranking;
import org.latentbridge.testing.EmbeddingCache;
import org.latentbridge.testing.Encoder;
import org.latentbridge.testing.ManPage;
import org.latentbridge.testing.ManPageCorpus;
import org.latentbridge.testing.Role;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.latentbridge.it.bench.NodeBenchmarks.say;

/**
 * A translator from a handful of paired anchors plus pools of unpaired vectors imported from indices, through a real node:
 * bge-small-en-v1.5 queries searched with {@code latent_knn} over an index of all-MiniLM-L6-v2 documents, against the
 * same queries embedded by MiniLM in native {@code knn}.
 *
 * <p>The split of {@link ManPageCorpus#large()} (10,426 documents, shuffled with seed 0): the first 20 documents are the
 * paired anchors (their descriptions embedded by both models: bge-small in the query role, MiniLM in the document role;
 * they are in neither index); the next 5,000 are the index {@code docs-minilm} (descriptions embedded by MiniLM, HNSW,
 * cosine, {@code latent_model: minilm}); the next 5,000 are the index {@code new-bge} (descriptions embedded by
 * bge-small in the query role, as the source side is in every benchmark); the last 406 are unused. Each model's pool is
 * imported from its index with {@code _pool} and {@code source} (capped at 5,000, seed 0): MiniLM's document role from
 * {@code docs-minilm}, bge-small's query role from {@code new-bge}, so that the two pools hold different items. The 1,000
 * queries are the summaries of the first 1,000 documents of {@code docs-minilm}, each relevant to its own document;
 * k = 10, num_candidates = 100.
 *
 * <p>Three fits from the same 20 pairs, each measured after it replaced the previous one: {@code functional_map},
 * {@code auto} (which should choose {@code functional_map}: fewer shared anchors than dimensions, both pools present),
 * and Procrustes ({@code orthogonal}) on the pairs alone, for the comparison. The fit seconds are the wall time of the
 * {@code PUT} on a possibly loaded machine; the report's own {@code took_millis} is printed beside it.
 *
 * <p>{@code bin/mvn -B -ntp -q -Pdemo -Dlatent.main=org.latentbridge.it.bench.PoolFitNodeBenchmark -DskipTests -pl integ-tests -am
 * verify}; arguments ({@code -Dlatent.args="..."}): {@code pairs=20}, {@code docs=5000} (per index), {@code queries=1000},
 * {@code pool=5000} (each import's {@code max_vectors}), {@code seed=0} (the imports' sample).
 */
public final class PoolFitNodeBenchmark {
    private static final int DIMS = 384, NUM_CANDIDATES = 100;
    private static final String TARGET_INDEX = "docs-minilm", SOURCE_INDEX = "new-bge", SOURCE = "bge-small", TARGET = "minilm";
    private static final List<String> METHODS = List.of("functional_map", "auto", "orthogonal");

    /** One fit and its search; the pool figures are NaN for a fit without pools. */
    private record Row(String asked, String chosen, double fitSeconds, Ranking latent, double mutualShare, String recovered) {}

    private final int pairCount, docCount, queryCount, poolCap, importSeed;
    private final List<ManPage> pages;
    private final List<Integer> pairRows, targetRows, sourceRows, queryRows;
    private final List<Row> rows = new ArrayList<>();
    private float[][] minilmDocs, bgeDocs, bgeQueries, minilmQueries;
    private EsHttp es;

    private PoolFitNodeBenchmark(ManPageCorpus corpus, Map<String, String> options) {
        pairCount = Integer.parseInt(options.getOrDefault("pairs", "20"));
        docCount = Integer.parseInt(options.getOrDefault("docs", "5000"));
        queryCount = Integer.parseInt(options.getOrDefault("queries", "1000"));
        poolCap = Integer.parseInt(options.getOrDefault("pool", "5000"));
        importSeed = Integer.parseInt(options.getOrDefault("seed", "0"));
        pages = corpus.pages();
        if (pairCount + 2 * docCount > pages.size() || queryCount > docCount) {
            throw new IllegalArgumentException("the corpus has " + pages.size() + " documents: too few for " + pairCount + " pairs, two "
                + "indices of " + docCount + " and " + queryCount + " queries among the first index's documents");
        }
        List<Integer> order = NodeBenchmarks.shuffledRows(pages.size(), 0);
        pairRows = List.copyOf(order.subList(0, pairCount));
        targetRows = List.copyOf(order.subList(pairCount, pairCount + docCount));
        sourceRows = List.copyOf(order.subList(pairCount + docCount, pairCount + 2 * docCount));
        queryRows = List.copyOf(targetRows.subList(0, queryCount));
    }

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        PoolFitNodeBenchmark bench = new PoolFitNodeBenchmark(ManPageCorpus.large(), NodeBenchmarks.options(args));
        bench.embed();
        try (ElasticsearchCluster cluster = ElasticsearchCluster.builder("pool-fit-node").nodes(1).heap("2g").build()) {
            cluster.start();
            bench.es = cluster.http().withTimeout(Duration.ofMinutes(20));
            bench.run();
        }
        say("finished in %.0f s", (System.nanoTime() - start) / 1e9);
    }

    /** Whole-corpus lists only, the entries other benchmarks put in the embeddings cache; the rows are picked from them. */
    private void embed() {
        EmbeddingCache cache = EmbeddingCache.shared();
        List<String> descriptions = pages.stream().map(ManPage::description).toList();
        List<String> summaries = pages.stream().map(ManPage::summary).toList();
        say("embedding %,d descriptions and summaries (cache: %s; already cached: %b)", pages.size(), cache.dir(),
            cache.contains(Encoder.MINILM, Role.DOCUMENT, descriptions) && cache.contains(Encoder.BGE_SMALL, Role.QUERY, descriptions)
                && cache.contains(Encoder.BGE_SMALL, Role.QUERY, summaries) && cache.contains(Encoder.MINILM, Role.QUERY, summaries));
        minilmDocs = cache.embed(Encoder.MINILM, Role.DOCUMENT, descriptions);
        bgeDocs = cache.embed(Encoder.BGE_SMALL, Role.QUERY, descriptions);
        bgeQueries = cache.embed(Encoder.BGE_SMALL, Role.QUERY, summaries);
        minilmQueries = cache.embed(Encoder.MINILM, Role.QUERY, summaries);
    }

    private void run() throws Exception {
        say("Elasticsearch %s; %d paired anchors (in neither index); [%s] %,d MiniLM documents; [%s] %,d other bge-small documents; "
            + "pools capped at %,d (seed %d); %,d queries; k %d, num_candidates %d", ItEnvironment.esVersion(), pairCount, TARGET_INDEX,
            docCount, SOURCE_INDEX, docCount, poolCap, importSeed, queryCount, KnnEvaluation.K, NUM_CANDIDATES);
        es.put("_latent/model/" + TARGET, Map.of("dims", DIMS)).ok();
        es.put("_latent/model/" + SOURCE, Map.of("dims", DIMS, "roles", List.of("query", "document"))).ok();
        List<String> pairIds = pairRows.stream().map(r -> "pair/" + pages.get(r).id()).toList();
        es.post("_latent/model/" + TARGET + "/_anchors", Map.of("role", "document", "ids", pairIds, "vectors", rows(minilmDocs, pairRows)))
            .ok();
        es.post("_latent/model/" + SOURCE + "/_anchors", Map.of("role", "query", "ids", pairIds, "vectors", rows(bgeDocs, pairRows))).ok();

        createIndex(TARGET_INDEX, TARGET, targetRows, minilmDocs);
        createIndex(SOURCE_INDEX, SOURCE, sourceRows, bgeDocs);
        importPool(TARGET, "document", TARGET_INDEX);
        importPool(SOURCE, "query", SOURCE_INDEX);

        List<String> relevant = queryRows.stream().map(r -> pages.get(r).id()).toList();
        Ranking nativeKnn = KnnEvaluation.rank(es, TARGET_INDEX, relevant, i -> Map.of("query", Map.of("knn", Map.of("field", "emb",
            "query_vector", minilmQueries[queryRows.get(i)], "k", KnnEvaluation.K, "num_candidates", NUM_CANDIDATES))), done -> {});
        say("native knn (MiniLM queries): hit@10 %.3f MRR %.3f", nativeKnn.recall(), nativeKnn.mrr());

        for (String method : METHODS) {
            fitAndSearch(method, relevant, nativeKnn);
        }
        report(nativeKnn);
    }

    private void createIndex(String index, String model, List<Integer> docRows, float[][] vectors) throws Exception {
        long t0 = System.nanoTime();
        es.put(index, Map.of("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0), "mappings", Map.of("properties",
            Map.of("emb", NodeBenchmarks.vectorField(DIMS, model))))).ok();
        KnnEvaluation.bulkIndex(es, index, docRows.size(), i -> pages.get(docRows.get(i)).id(), i -> Map.of("emb",
            vectors[docRows.get(i)]), null, 1000, done -> {});
        say("[%s]: %,d %s vectors indexed in %.1f s", index, docRows.size(), model, (System.nanoTime() - t0) / 1e9);
    }

    private void importPool(String model, String role, String index) {
        long t0 = System.nanoTime();
        JsonNode pool = es.post("_latent/model/" + model + "/_pool", Map.of("role", role, "source", Map.of("index", index, "field", "emb",
            "id_field", "_id", "max_vectors", poolCap, "seed", importSeed))).ok();
        say("pool %s/%s imported from [%s] in %.1f s: %s", model, role, index, (System.nanoTime() - t0) / 1e9, pool);
    }

    private void fitAndSearch(String method, List<String> relevant, Ranking nativeKnn) throws Exception {
        say("");
        long t0 = System.nanoTime();
        JsonNode fit = es.put("_latent/translator/" + SOURCE + "/" + TARGET, Map.of("method", method)).ok();
        double seconds = (System.nanoTime() - t0) / 1e9;
        String chosen = fit.path("method").asText();
        say("== fit [%s] -> [%s]: %.1f s wall, took_millis %d; anchors %s", method, chosen, seconds, fit.path("took_millis").asLong(),
            fit.path("anchors"));
        say("  pools: %s", fit.has("pools") ? fit.path("pools") : "(none)");
        say("  selection: %s", fit.has("selection") ? fit.path("selection").asText() : "(none)");
        say("  warnings: %s", fit.path("diagnostics").path("warnings"));
        say("  held-out metrics: %s", fit.path("metrics"));
        if (method.equals("auto") && chosen.equals("functional_map") == false) {
            say("  NOTE: auto chose [%s], not functional_map, from %d pairs and both pools", chosen, pairCount);
        }
        Ranking latent = KnnEvaluation.rank(es, TARGET_INDEX, relevant, i -> Map.of("query", Map.of("latent_knn", Map.of("field", "emb",
            "query_vector", bgeQueries[queryRows.get(i)], "model", SOURCE, "role", "query", "k", KnnEvaluation.K, "num_candidates",
            NUM_CANDIDATES))), done -> {});
        say("  latent_knn (bge-small queries): hit@10 %.3f MRR %.3f; ratio to native %.3f", latent.recall(), latent.mrr(),
            latent.recall() / nativeKnn.recall());
        JsonNode pools = fit.path("pools");
        rows.add(new Row(method, chosen, seconds, latent, pools.path("mutual_match_share").asDouble(Double.NaN),
            pools.has("recovered") ? pools.path("recovered").asText() : "-"));
    }

    private void report(Ranking nativeKnn) {
        say("");
        say("Markdown (Elasticsearch %s; %s -> %s, %d pairs, pools of %,d and %,d different documents, %,d queries, k 10, "
            + "num_candidates %d):", ItEnvironment.esVersion(), SOURCE, TARGET, pairCount, Math.min(poolCap, docCount),
            Math.min(poolCap, docCount), queryCount, NUM_CANDIDATES);
        say("");
        say("| method | fit (s) | hit@10 | ratio to native | mutual_match_share | recovered |");
        say("|---|---|---|---|---|---|");
        say("| native `knn` (MiniLM queries) | - | %.3f | 1.000 | - | - |", nativeKnn.recall());
        for (Row r : rows) {
            String method = r.asked().equals(r.chosen()) ? "`" + r.chosen() + "`" : "`" + r.asked() + "` (chose `" + r.chosen() + "`)";
            if (r.chosen().equals("orthogonal")) {
                method += ", pairs alone";
            }
            say("| %s | %.1f | %.3f | %.3f | %s | %s |", method, r.fitSeconds(), r.latent().recall(), r.latent().recall()
                / nativeKnn.recall(), share(r.mutualShare()), r.recovered());
        }
    }

    private static String share(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f", value);
    }

    private static List<float[]> rows(float[][] all, List<Integer> rows) {
        return rows.stream().map(r -> all[r]).toList();
    }
}
