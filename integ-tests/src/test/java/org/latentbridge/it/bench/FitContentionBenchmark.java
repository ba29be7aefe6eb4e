package org.latentbridge.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.latentbridge.it.ElasticsearchCluster;
import org.latentbridge.it.EsHttp;
import org.latentbridge.it.ItEnvironment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Does a search wait behind a fit? One node, two pairs of models. A large pair ({@code anchors} x {@code dims}, fitted
 * with {@code method}) takes many seconds to fit; a small pair serves {@code latent_knn} on a small index. First the small
 * pair's searches are timed undisturbed, each right after a write to its target model (a re-PUT of the model's
 * description, which drops the node's cached entries of that model, so the search decodes its translator again). Then
 * the same is timed while the large pair's fit runs. A search whose cache miss queues behind the fit takes about as
 * long as the rest of the fit; one that loads on its own pool stays near the undisturbed numbers.
 *
 * <p>{@code bin/mvn -B -q -Pdemo -Dlatent.main=org.latentbridge.it.bench.FitContentionBenchmark -DskipTests -pl integ-tests -am verify}
 */
public final class FitContentionBenchmark {
    private static final int SMALL_DIMS = 64, SMALL_ANCHORS = 500, DOCS = 2_000, BASELINE_ROUNDS = 40;
    /** Pause between rounds while the fit runs: a few rounds per second, enough to sample its whole length. */
    private static final long ROUND_PAUSE_MILLIS = 250;

    /**
     * Arguments ({@code -Dlatent.args="..."}): {@code method=orthogonal_kernel} (the large fit's method), {@code anchors=4000}
     * and {@code dims=384} (the large pair's anchors).
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        String method = options.getOrDefault("method", "orthogonal_kernel");
        int anchors = Integer.parseInt(options.getOrDefault("anchors", "4000"));
        int dims = Integer.parseInt(options.getOrDefault("dims", "384"));
        Random random = new Random(7);
        try (ElasticsearchCluster cluster = ElasticsearchCluster.builder("fit-contention").nodes(1).heap("2g").build()) {
            cluster.start();
            EsHttp es = cluster.http().withTimeout(Duration.ofMinutes(10));

            registerPair(es, "small_q", "small_d", SMALL_DIMS, SMALL_ANCHORS, random);
            es.put("_latent/translator/small_q/small_d", Map.of("source_role", "document", "method", "orthogonal")).ok();
            es.put("docs", Map.of("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0), "mappings", Map.of("properties",
                Map.of("emb", Map.of("type", "dense_vector", "dims", SMALL_DIMS, "similarity", "cosine",
                    "meta", Map.of("latent_model", "small_d")))))).ok();
            StringBuilder bulk = new StringBuilder();
            for (int i = 0; i < DOCS; i++) {
                bulk.append("{\"index\":{}}\n").append(EsHttp.JSON.writeValueAsString(Map.of("emb", gaussian(random, SMALL_DIMS))))
                    .append('\n');
            }
            es.post("docs/_bulk", bulk.toString()).ok();
            es.post("docs/_refresh", null).ok();
            registerPair(es, "large_q", "large_d", dims, anchors, random);

            List<Map<String, Object>> searches = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                searches.add(Map.of("query", Map.of("latent_knn", Map.of("field", "emb", "query_vector", gaussian(random, SMALL_DIMS),
                    "model", "small_q", "role", "document", "k", 10, "num_candidates", 50)), "size", 10, "_source", false));
            }
            for (int i = 0; i < 100; i++) {
                es.post("docs/_search", searches.get(i % searches.size())).ok();
            }
            double[] baseline = new double[BASELINE_ROUNDS];
            for (int r = 0; r < BASELINE_ROUNDS; r++) {
                baseline[r] = invalidateAndSearch(es, searches.get(r % searches.size()), r);
            }

            long fitStart = System.nanoTime();
            CompletableFuture<JsonNode> fit = CompletableFuture.supplyAsync(() -> es.withTimeout(Duration.ofMinutes(30))
                .put("_latent/translator/large_q/large_d", Map.of("source_role", "document", "method", method)).ok());
            waitForFitTask(es, fit);
            List<Double> during = new ArrayList<>();
            for (int r = 0; fit.isDone() == false; r++) {
                double ms = invalidateAndSearch(es, searches.get(r % searches.size()), BASELINE_ROUNDS + r);
                if (fit.isDone() == false) { // a round that ended after the fit measured nothing about contention
                    during.add(ms);
                }
                Thread.sleep(ROUND_PAUSE_MILLIS);
            }
            JsonNode fitted = fit.get();
            double fitSeconds = (System.nanoTime() - fitStart) / 1e9;
            double[] contended = during.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(baseline);
            Arrays.sort(contended);

            System.out.println(String.format(Locale.ROOT, "[fit-contention] Elasticsearch %s (%s)", ItEnvironment.esVersion(),
                ItEnvironment.javaHome()));
            System.out.println(String.format(Locale.ROOT, "[fit-contention] large fit: %s over %d x %d anchors, %.1f s through the API",
                fitted.path("method").asText(), anchors, dims, fitSeconds));
            System.out.println(String.format(Locale.ROOT, "[fit-contention] each round: a re-PUT of model [small_d] (drops its cache "
                + "entries), then one latent_knn over %d x %d docs", DOCS, SMALL_DIMS));
            System.out.println(String.format(Locale.ROOT, "[fit-contention] undisturbed   %3d rounds  p50 %8.2f ms  max %8.2f ms",
                baseline.length, pct(baseline, 0.5), baseline[baseline.length - 1]));
            if (contended.length == 0) {
                System.out.println("[fit-contention] during fit   no round finished while the fit ran");
            } else {
                System.out.println(String.format(Locale.ROOT, "[fit-contention] during fit    %3d rounds  p50 %8.2f ms  max %8.2f ms",
                    contended.length, pct(contended, 0.5), contended[contended.length - 1]));
            }
        }
    }

    /** A write to the small pair's target model, then one search through it; answers the search's milliseconds. */
    private static double invalidateAndSearch(EsHttp es, Map<String, Object> search, int round) {
        es.put("_latent/model/small_d", Map.of("dims", SMALL_DIMS, "description", "round " + round)).ok();
        long t0 = System.nanoTime();
        JsonNode r = es.post("docs/_search", search).ok();
        double ms = (System.nanoTime() - t0) / 1e6;
        if (r.path("hits").path("hits").size() != 10) {
            throw new IllegalStateException("expected 10 hits, got " + r);
        }
        return ms;
    }

    /** Waits until the large fit is running on the node (its task is listed), so that every timed round overlaps it. */
    private static void waitForFitTask(EsHttp es, CompletableFuture<JsonNode> fit) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (fit.isDone() == false && System.nanoTime() < deadline) {
            JsonNode tasks = es.get("_tasks?actions=*latent*&detailed").ok();
            if (tasks.toString().contains("translator/put")) {
                return;
            }
            Thread.sleep(100);
        }
    }

    /** Two models of {@code dims} dimensions whose anchors are a signed permutation of each other plus noise. */
    private static void registerPair(EsHttp es, String source, String target, int dims, int anchors, Random random) {
        es.put("_latent/model/" + source, Map.of("dims", dims)).ok();
        es.put("_latent/model/" + target, Map.of("dims", dims)).ok();
        int batch = Math.max(1, 2_000_000 / dims); // about 8 MB of floats per request
        for (int from = 0; from < anchors; from += batch) {
            List<String> ids = new ArrayList<>();
            List<float[]> sv = new ArrayList<>(), tv = new ArrayList<>();
            for (int i = from; i < Math.min(anchors, from + batch); i++) {
                float[] v = gaussian(random, dims), w = new float[dims];
                for (int j = 0; j < dims; j++) {
                    w[j] = ((j & 1) == 0 ? 1 : -1) * v[(j * 7 + 3) % dims] + (float) (0.05 * random.nextGaussian());
                }
                ids.add("a" + i);
                sv.add(v);
                tv.add(w);
            }
            es.post("_latent/model/" + source + "/_anchors", Map.of("ids", ids, "vectors", sv)).ok();
            es.post("_latent/model/" + target + "/_anchors", Map.of("ids", ids, "vectors", tv)).ok();
        }
    }

    private static double pct(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    private static float[] gaussian(Random random, int dims) {
        float[] v = new float[dims];
        double n = 0;
        for (int j = 0; j < dims; j++) {
            v[j] = (float) random.nextGaussian();
            n += v[j] * v[j];
        }
        for (int j = 0; j < dims; j++) {
            v[j] /= (float) Math.sqrt(n);
        }
        return v;
    }

    private FitContentionBenchmark() {}
}
