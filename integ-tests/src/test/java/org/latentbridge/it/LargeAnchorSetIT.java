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
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models with 20,000 anchors of 1,024 dimensions: they store and load through chunk documents (uploaded in base64 and
 * imported from an index), a fit of that size runs on the fit pool while the node keeps answering other requests, and
 * the translator it stores translates. Prints the throughput and latency figures quoted in BENCHMARKS.md; asserts
 * behaviour only (no timing thresholds).
 */
class LargeAnchorSetIT {
    private static final int N = 20_000, DIMS = 1024, BATCH = 2_000;

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("large-anchors").nodes(1).heap("3g").build();

    /** Row {@code i} of the source; the target is a signed permutation of it (an orthogonal map) plus noise. */
    private static float[] source(int i) {
        Random r = new Random(i);
        float[] v = new float[DIMS];
        for (int j = 0; j < DIMS; j++) {
            v[j] = (float) r.nextGaussian();
        }
        return v;
    }

    private static float[] target(int i) {
        float[] s = source(i);
        Random noise = new Random(-1 - i);
        float[] t = new float[DIMS];
        for (int j = 0; j < DIMS; j++) {
            int from = (j * 37 + 11) % DIMS; // 37 is coprime with 1024: a permutation
            t[j] = ((j & 1) == 0 ? s[from] : -s[from]) + (float) (0.1 * noise.nextGaussian());
        }
        return t;
    }

    private static void say(String format, Object... args) {
        System.out.println("[large-anchors] " + String.format(Locale.ROOT, format, args));
    }

    @Test
    void twentyThousandAnchorsOfTenTwentyFourDimsStoreFitAndTranslate() throws Exception {
        EsHttp es = CLUSTER.http().withTimeout(Duration.ofMinutes(10));
        es.put("_latent/model/big-src", Map.of("dims", DIMS)).ok();
        es.put("_latent/model/big-tgt", Map.of("dims", DIMS)).ok();

        long start = System.nanoTime();
        for (int from = 0; from < N; from += BATCH) {
            List<String> ids = new ArrayList<>(), vectors = new ArrayList<>();
            for (int i = from; i < from + BATCH; i++) {
                ids.add("a" + i);
                vectors.add(SyntheticAnchors.base64(source(i)));
            }
            es.post("_latent/model/big-src/_anchors", Map.of("ids", ids, "vectors", vectors)).ok();
        }
        double uploadSeconds = (System.nanoTime() - start) / 1e9;
        say("upload: %d x %d anchors in %d base64 requests of %d: %.1f s, %.0f anchors/s", N, DIMS, N / BATCH, BATCH, uploadSeconds,
            N / uploadSeconds);
        assertEquals(N, es.get("_latent/model/big-src").ok().path("roles").path("document").path("anchors").asInt());

        es.put("big-anchors", Map.of("settings", Map.of("number_of_shards", 1), "mappings", Map.of("properties", Map.of(
            "emb", Map.of("type", "dense_vector", "dims", DIMS, "index", false), "anchor_id", Map.of("type", "keyword"))))).ok();
        for (int from = 0; from < N; from += 500) {
            StringBuilder bulk = new StringBuilder();
            for (int i = from; i < from + 500; i++) {
                bulk.append("{\"index\":{}}\n").append(EsHttp.JSON.writeValueAsString(Map.of("anchor_id", "a" + i, "emb", target(i))))
                    .append('\n');
            }
            assertFalse(es.post("big-anchors/_bulk", bulk.toString()).ok().path("errors").asBoolean());
        }
        es.post("big-anchors/_refresh", null).ok();
        start = System.nanoTime();
        JsonNode imported = es.post("_latent/model/big-tgt/_anchors", Map.of("source", Map.of("index", "big-anchors", "field", "emb",
            "id_field", "anchor_id"))).ok();
        double importSeconds = (System.nanoTime() - start) / 1e9;
        assertEquals(N, imported.path("anchors").asInt());
        say("import: %d x %d anchors from an index: %.1f s, %.0f anchors/s", N, DIMS, importSeconds, N / importSeconds);

        // a fit of this size must not stall the node: other requests keep being answered while it runs
        start = System.nanoTime();
        CompletableFuture<JsonNode> fit = CompletableFuture.supplyAsync(() -> es.put("_latent/translator/big-src/big-tgt",
            Map.of("source_role", "document")).ok());
        int answered = 0;
        double worstMillis = 0;
        while (fit.isDone() == false) {
            long t0 = System.nanoTime();
            es.get("_latent/model/big-src").ok();
            es.get("_cluster/health").ok();
            worstMillis = Math.max(worstMillis, (System.nanoTime() - t0) / 1e6);
            answered++;
            Thread.sleep(100);
        }
        JsonNode result = fit.get();
        double fitSeconds = (System.nanoTime() - start) / 1e9;
        say("fit auto %d x %d through the API: %.1f s wall (took_millis %d on the node), method %s; %d other request pairs answered "
            + "meanwhile, slowest %.0f ms", N, DIMS, fitSeconds, result.path("took_millis").asLong(), result.path("method").asText(),
            answered, worstMillis);
        assertTrue(answered >= 3, "the node kept answering during the fit: " + answered);
        assertTrue(result.path("metrics").path(result.path("method").asText()).path("top1").asDouble() > 0.99, result.toString());

        JsonNode translated = es.post("_latent/_translate", Map.of("from", "big-src", "to", "big-tgt", "role", "document", "vectors",
            List.of(source(5)), "normalize", true)).ok();
        assertEquals(DIMS, translated.path("vectors").get(0).size());
    }

    @Test
    void translateLatencyAndCacheMemoryOfA384Translator() {
        EsHttp es = CLUSTER.http();
        int n = 1000, d = 384;
        es.put("_latent/model/s384", Map.of("dims", d)).ok();
        es.put("_latent/model/t384", Map.of("dims", d)).ok();
        List<String> ids = new ArrayList<>();
        List<String> s = new ArrayList<>(), t = new ArrayList<>();
        Random r = new Random(7);
        List<float[]> queries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = new float[d], w = new float[d];
            for (int j = 0; j < d; j++) {
                v[j] = (float) r.nextGaussian();
                w[j] = -v[(j + 5) % d] + (float) (0.1 * r.nextGaussian());
            }
            ids.add("a" + i);
            s.add(SyntheticAnchors.base64(v));
            t.add(SyntheticAnchors.base64(w));
            queries.add(v);
        }
        es.post("_latent/model/s384/_anchors", Map.of("ids", ids, "vectors", s)).ok();
        es.post("_latent/model/t384/_anchors", Map.of("ids", ids, "vectors", t)).ok();
        es.put("_latent/translator/s384/t384", Map.of("source_role", "document")).ok();

        Map<String, Object> one = Map.of("from", "s384", "to", "t384", "role", "document", "vectors", List.of(queries.get(0)));
        long bytesBefore = cacheBytes(es);
        es.post("_latent/_translate", one).ok(); // loads the translator into the cache
        long bytesAfter = cacheBytes(es);
        say("cache bytes for one 384x384 translator (and its two model records): %d", bytesAfter - bytesBefore);
        assertTrue(bytesAfter - bytesBefore > 384 * 384 * 4, "the matrix is held: " + (bytesAfter - bytesBefore));

        double[] single = new double[200];
        for (int i = 0; i < single.length; i++) {
            long t0 = System.nanoTime();
            es.post("_latent/_translate", one).ok();
            single[i] = (System.nanoTime() - t0) / 1e6;
        }
        Map<String, Object> batch = Map.of("from", "s384", "to", "t384", "role", "document", "vectors", queries);
        double[] batched = new double[20];
        for (int i = 0; i < batched.length; i++) {
            long t0 = System.nanoTime();
            assertEquals(n, es.post("_latent/_translate", batch).ok().path("vectors").size());
            batched[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(single);
        Arrays.sort(batched);
        say("_translate 384->384 over HTTP (client wall): one vector p50 %.2f ms p90 %.2f ms; batch of 1,000 p50 %.1f ms p90 %.1f ms",
            single[single.length / 2], single[single.length * 9 / 10], batched[batched.length / 2], batched[batched.length * 9 / 10]);
    }

    private static long cacheBytes(EsHttp es) {
        return es.get("_latent/_stats").ok().path("nodes").elements().next().path("cache").path("bytes").asLong();
    }
}
