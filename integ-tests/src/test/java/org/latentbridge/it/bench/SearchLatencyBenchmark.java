package org.latentbridge.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.latentbridge.it.ElasticsearchCluster;
import org.latentbridge.it.ItEnvironment;
import org.latentbridge.it.EsHttp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@code latent_knn} against a native {@code knn} query on the same index (20,000 x 384, one shard, force-merged), in
 * one run on one node: warm-up, then interleaved rounds (the order alternates each round) so that drift in the machine
 * hits both sides alike. The native query gets the already-translated vector, so the difference is what the plugin
 * adds: parsing, the rewrite, the cached translation. Synthetic vectors: this measures time, not quality.
 *
 * <p>{@code bin/mvn -B -q -Pdemo -Dlatent.main=org.latentbridge.it.bench.SearchLatencyBenchmark -DskipTests -pl integ-tests -am verify}
 */
public final class SearchLatencyBenchmark {
    private static final int DIMS = 384, DOCS = 20_000, QUERIES = 500, WARMUP = 400, ROUNDS = 2_000;

    /**
     * Arguments ({@code -Dlatent.args="..."}): {@code method=auto|orthogonal|orthogonal_kernel} (the stored translator's
     * fit method), {@code anchors=2000}, {@code bend=0} (a sine bend of the target anchors, so that a kernel correction
     * has a residual to fit and keeps more centres).
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        String method = options.getOrDefault("method", "auto");
        int anchors = Integer.parseInt(options.getOrDefault("anchors", "2000"));
        double bend = Double.parseDouble(options.getOrDefault("bend", "0"));
        Random random = new Random(1);
        try (ElasticsearchCluster cluster = ElasticsearchCluster.builder("search-latency").nodes(1).heap("2g").build()) {
            cluster.start();
            EsHttp es = cluster.http().withTimeout(Duration.ofMinutes(10));
            es.put("bench", Map.of("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0), "mappings", Map.of("properties",
                Map.of("emb", Map.of("type", "dense_vector", "dims", DIMS, "similarity", "cosine", "index_options", Map.of("type", "hnsw"),
                    "meta", Map.of("latent_model", "d")))))).ok();
            for (int from = 0; from < DOCS; from += 2000) {
                StringBuilder bulk = new StringBuilder();
                for (int i = from; i < from + 2000; i++) {
                    bulk.append("{\"index\":{}}\n").append(EsHttp.JSON.writeValueAsString(Map.of("emb", gaussian(random)))).append('\n');
                }
                es.post("bench/_bulk", bulk.toString()).ok();
            }
            es.post("bench/_refresh", null).ok();
            es.post("bench/_forcemerge?max_num_segments=1", null).ok();

            es.put("_latent/model/q", Map.of("dims", DIMS)).ok();
            es.put("_latent/model/d", Map.of("dims", DIMS)).ok();
            List<String> ids = new ArrayList<>();
            List<float[]> qa = new ArrayList<>(), da = new ArrayList<>();
            for (int i = 0; i < anchors; i++) {
                float[] v = gaussian(random), w = new float[DIMS];
                for (int j = 0; j < DIMS; j++) {
                    float u = ((j & 1) == 0 ? 1 : -1) * v[(j * 7 + 3) % DIMS];
                    w[j] = u + (float) (bend * Math.sin(40 * u) / 20 + 0.1 * random.nextGaussian());
                }
                ids.add("a" + i);
                qa.add(v);
                da.add(w);
            }
            es.post("_latent/model/q/_anchors", Map.of("ids", ids, "vectors", qa)).ok();
            es.post("_latent/model/d/_anchors", Map.of("ids", ids, "vectors", da)).ok();
            long fitStart = System.nanoTime();
            JsonNode fit = es.withTimeout(Duration.ofMinutes(20)).put("_latent/translator/q/d", Map.of("source_role", "document",
                "method", method)).ok();
            System.out.println(String.format(Locale.ROOT, "[search-latency] translator: %s over %d anchors, fit %.1f s%s",
                fit.path("method").asText(), anchors, (System.nanoTime() - fitStart) / 1e9,
                fit.has("kernel") ? ", kernel " + fit.path("kernel") : ""));

            List<float[]> queries = new ArrayList<>();
            for (int i = 0; i < QUERIES; i++) {
                queries.add(gaussian(random));
            }
            JsonNode translatedJson = es.post("_latent/_translate", Map.of("from", "q", "to", "d", "role", "document", "normalize", true,
                "vectors", queries)).ok().path("vectors");
            List<Map<String, Object>> nativeBodies = new ArrayList<>(), latentBodies = new ArrayList<>();
            for (int i = 0; i < QUERIES; i++) {
                float[] t = new float[DIMS];
                for (int j = 0; j < DIMS; j++) {
                    t[j] = (float) translatedJson.get(i).get(j).asDouble();
                }
                nativeBodies.add(Map.of("query", Map.of("knn", Map.of("field", "emb", "query_vector", t, "k", 10, "num_candidates", 100)),
                    "size", 10, "_source", false));
                latentBodies.add(Map.of("query", Map.of("latent_knn", Map.of("field", "emb", "query_vector", queries.get(i), "model", "q",
                    "role", "document", "k", 10, "num_candidates", 100)), "size", 10, "_source", false));
            }
            for (int i = 0; i < WARMUP; i++) {
                es.post("bench/_search", nativeBodies.get(i % QUERIES)).ok();
                es.post("bench/_search", latentBodies.get(i % QUERIES)).ok();
            }
            double[] nat = new double[ROUNDS], lat = new double[ROUNDS];
            int same = 0;
            for (int r = 0; r < ROUNDS; r++) {
                int q = r % QUERIES;
                JsonNode a, b;
                if ((r & 1) == 0) {
                    long t0 = System.nanoTime();
                    a = es.post("bench/_search", nativeBodies.get(q)).ok();
                    long t1 = System.nanoTime();
                    b = es.post("bench/_search", latentBodies.get(q)).ok();
                    lat[r] = (System.nanoTime() - t1) / 1e6;
                    nat[r] = (t1 - t0) / 1e6;
                } else {
                    long t0 = System.nanoTime();
                    b = es.post("bench/_search", latentBodies.get(q)).ok();
                    long t1 = System.nanoTime();
                    a = es.post("bench/_search", nativeBodies.get(q)).ok();
                    nat[r] = (System.nanoTime() - t1) / 1e6;
                    lat[r] = (t1 - t0) / 1e6;
                }
                if (a.path("hits").path("hits").toString().equals(b.path("hits").path("hits").toString())) {
                    same++;
                }
            }
            Arrays.sort(nat);
            Arrays.sort(lat);
            JsonNode stats = es.get("_latent/_stats").ok().path("nodes").elements().next();
            long count = stats.path("translations").path("count").asLong(), nanos = stats.path("translations").path("time_in_nanos")
                .asLong();
            System.out.println(String.format(Locale.ROOT, "[search-latency] Elasticsearch %s on Java %s (%s), translation kernels: %s",
                ItEnvironment.esVersion(), es.get("_nodes/jvm").ok().path("nodes").elements().next().path("jvm").path("version").asText(),
                ItEnvironment.javaHome(), stats.path("translations").path("kernels").asText()));
            System.out.println(String.format(Locale.ROOT,
                "[search-latency] %d docs x %d dims, 1 shard, force-merged; k=10, num_candidates=100; "
                + "%d interleaved rounds after %d warm-up pairs", DOCS, DIMS, ROUNDS, WARMUP));
            System.out.println(String.format(Locale.ROOT, "[search-latency] native knn  p50 %.3f ms  p99 %.3f ms",
                pct(nat, 0.5), pct(nat, 0.99)));
            System.out.println(String.format(Locale.ROOT, "[search-latency] latent_knn  p50 %.3f ms  p99 %.3f ms",
                pct(lat, 0.5), pct(lat, 0.99)));
            System.out.println(String.format(Locale.ROOT,
                "[search-latency] ratio       p50 %.3f  p99 %.3f; identical hits in %d of %d rounds; "
                + "mean translation on the node %.1f us", pct(lat, 0.5) / pct(nat, 0.5), pct(lat, 0.99) / pct(nat, 0.99), same, ROUNDS,
                count == 0 ? 0 : nanos / 1e3 / count));
        }
    }

    private static double pct(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    private static float[] gaussian(Random random) {
        float[] v = new float[DIMS];
        double n = 0;
        for (int j = 0; j < DIMS; j++) {
            v[j] = (float) random.nextGaussian();
            n += v[j] * v[j];
        }
        for (int j = 0; j < DIMS; j++) {
            v[j] /= (float) Math.sqrt(n);
        }
        return v;
    }

    private SearchLatencyBenchmark() {}
}
