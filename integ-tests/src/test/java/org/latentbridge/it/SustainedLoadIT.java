package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sixteen clients search one node for {@code latent.load.seconds} (20 in the default suite, 60 with {@code -Preliability}),
 * half with native {@code knn} and half with {@code latent_knn}, while the translator is refitted every second and the
 * node's cache is kept small enough to evict. No request fails, the cache never holds more than its byte limit, and both
 * kinds' latency percentiles are reported side by side.
 */
class SustainedLoadIT {
    private static final int DIMS = 128, DOCS = 5_000, ANCHORS = 1_000, CLIENTS = 16;
    private static final int SECONDS = Integer.getInteger("latent.load.seconds", 20);

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("sustained-load").nodes(1).heap("1g")
        .setting("latent_bridge.cache.size", "1mb").build();

    @Test
    void searchesUnderLoadWhileRefittingNeverFailAndTheCacheStaysBounded() throws Exception {
        EsHttp es = CLUSTER.http().withTimeout(Duration.ofMinutes(2));
        Random random = new Random(13);
        float[][] source = SyntheticAnchors.registerRotatedPair(es, DIMS, ANCHORS, Map.of("method", "orthogonal"), random);
        es.put("docs", Map.of("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0), "mappings", Map.of("properties", Map.of(
            "emb", Map.of("type", "dense_vector", "dims", DIMS, "similarity", "cosine", "meta", Map.of("latent_model", "t")))))).ok();
        float[][] docs = SyntheticAnchors.gaussian(DOCS, DIMS, 0.2, random);
        KnnEvaluation.bulkIndex(es, "docs", DOCS, i -> "d" + i, i -> Map.of("emb", docs[i]), null, 1000, done -> {});
        float[][] queries = SyntheticAnchors.gaussian(200, DIMS, 0.2, random);

        long end = System.nanoTime() + SECONDS * 1_000_000_000L;
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Double> nativeMillis = new ConcurrentLinkedQueue<>(), latentMillis = new ConcurrentLinkedQueue<>();
        AtomicInteger refits = new AtomicInteger();
        AtomicLong maxCacheBytes = new AtomicLong(), cacheLimit = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 2);
        List<Future<?>> work = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            boolean latent = c % 2 == 1;
            int client = c;
            work.add(pool.submit(() -> {
                for (int i = client; System.nanoTime() < end; i += CLIENTS) {
                    float[] q = queries[i % queries.length];
                    Map<String, Object> query = latent
                        ? Map.of("latent_knn", Map.of("field", "emb", "query_vector", q, "model", "s", "k", 10, "num_candidates", 50))
                        : Map.of("knn", Map.of("field", "emb", "query_vector", q, "k", 10, "num_candidates", 50));
                    long t0 = System.nanoTime();
                    EsResponse r = es.post("docs/_search", Map.of("query", query, "size", 10, "_source", false));
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (r.status() != 200 || r.json().path("_shards").path("failed").asInt() != 0
                        || r.json().path("hits").path("hits").size() != 10) {
                        errors.add(r.status() + " " + r.body());
                    }
                    (latent ? latentMillis : nativeMillis).add(ms);
                }
                return null;
            }));
        }
        work.add(pool.submit(() -> {
            for (int round = 0; System.nanoTime() < end; round++) {
                EsResponse r = es.put("_latent/translator/s/t", Map.of("method", round % 2 == 0 ? "linear" : "orthogonal"));
                if (r.status() != 200) {
                    errors.add("refit: " + r.status() + " " + r.body());
                }
                refits.incrementAndGet();
                Thread.sleep(1000);
            }
            return null;
        }));
        work.add(pool.submit(() -> {
            while (System.nanoTime() < end) {
                JsonNode cache = es.get("_latent/_stats").ok().path("nodes").elements().next().path("cache");
                maxCacheBytes.accumulateAndGet(cache.path("bytes").asLong(), Math::max);
                cacheLimit.set(cache.path("limit_in_bytes").asLong());
                Thread.sleep(100);
            }
            return null;
        }));
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();

        double[] nat = sorted(nativeMillis), lat = sorted(latentMillis);
        JsonNode cache = es.get("_latent/_stats").ok().path("nodes").elements().next().path("cache");
        System.out.println(String.format(Locale.ROOT, "[sustained-load] %d clients for %d s, %d refits: native knn %d requests p50 %.2f ms "
            + "p99 %.2f ms; latent_knn %d requests p50 %.2f ms p99 %.2f ms (p50 ratio %.3f); errors %d; cache peak %d of %d bytes, %d "
            + "evictions", CLIENTS, SECONDS, refits.get(), nat.length, pct(nat, 0.5), pct(nat, 0.99), lat.length, pct(lat, 0.5),
            pct(lat, 0.99), pct(lat, 0.5) / pct(nat, 0.5), errors.size(), maxCacheBytes.get(), cacheLimit.get(),
            cache.path("evictions").asLong()));
        assertTrue(errors.isEmpty(), errors.size() + " failed requests, e.g. " + errors.peek());
        assertTrue(refits.get() >= SECONDS / 3, "the translator was refitted during the load: " + refits.get());
        assertEquals(1024 * 1024, cacheLimit.get(), "the limit configured");
        assertTrue(maxCacheBytes.get() <= cacheLimit.get(), "cache peak " + maxCacheBytes.get() + " over its limit " + cacheLimit.get());
        assertTrue(nat.length > 100 && lat.length > 100, "both kinds ran: " + nat.length + ", " + lat.length);
    }

    private static double[] sorted(ConcurrentLinkedQueue<Double> values) {
        double[] out = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(out);
        return out;
    }

    private static double pct(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }
}
