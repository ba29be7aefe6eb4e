package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.fit.FitOptions;
import org.latentbridge.core.fit.TranslatorFitter;
import org.latentbridge.core.translate.LinearTranslator;
import org.latentbridge.core.translate.Method;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Eight clients append anchors to the same two models and fit the same translator at once, retrying on 409 as a client
 * should. No anchor is lost, every successful write gets a version of its own (versions strictly increase), and the
 * translator fitted last translates exactly as a fit of the final anchors computed here.
 */
class ConcurrentWritersIT {
    private static final int DIMS = 8, INITIAL = 40, CLIENTS = 8, ROUNDS = 5, PER_ROUND = 10, MAX_ATTEMPTS = 200;
    private static final double[][] ROTATION = SyntheticAnchors.rotation(DIMS, new Random(23));

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("concurrent-writers").nodes(1).heap("512m").build();

    @Test
    void concurrentAppendsAndFitsLoseNothingAndTheLastFitMatchesTheLastAnchors() throws Exception {
        EsHttp es = CLUSTER.http();
        es.put("_latent/model/s", Map.of("dims", DIMS)).ok();
        es.put("_latent/model/t", Map.of("dims", DIMS)).ok();
        upload(es, "s", ids("i", 0, INITIAL), sources("i", 0, INITIAL));
        upload(es, "t", ids("i", 0, INITIAL), targets("i", 0, INITIAL));

        Map<String, List<Long>> versions = new ConcurrentHashMap<>();
        AtomicInteger conflicts = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            String prefix = "c" + c + "-";
            clients.add(pool.submit(() -> {
                for (int round = 0; round < ROUNDS; round++) {
                    int from = round * PER_ROUND, to = from + PER_ROUND;
                    List<String> ids = ids(prefix, from, to);
                    List<float[]> s = sources(prefix, from, to), t = targets(prefix, from, to);
                    record(versions, "s", retrying(conflicts, () -> es.post("_latent/model/s/_anchors", Map.of("ids", ids, "vectors", s))));
                    record(versions, "t", retrying(conflicts, () -> es.post("_latent/model/t/_anchors", Map.of("ids", ids, "vectors", t))));
                    record(versions, "s->t", retrying(conflicts, () -> es.put("_latent/translator/s/t", Map.of("method", "orthogonal"))));
                }
                return null;
            }));
        }
        for (Future<?> f : clients) {
            f.get();
        }
        pool.shutdown();

        int expected = INITIAL + CLIENTS * ROUNDS * PER_ROUND;
        for (String model : List.of("s", "t")) {
            JsonNode m = es.get("_latent/model/" + model).ok();
            assertEquals(expected, m.path("roles").path("document").path("anchors").asInt(), "no anchor lost in " + model + ": " + m);
        }
        for (Map.Entry<String, List<Long>> e : versions.entrySet()) {
            List<Long> v = new ArrayList<>(e.getValue());
            Collections.sort(v);
            assertEquals(v.size(), v.stream().distinct().count(), "every write of " + e.getKey() + " got a version of its own: " + v);
        }
        assertEquals(CLIENTS * ROUNDS, versions.get("s").size());
        assertEquals(CLIENTS * ROUNDS, versions.get("s->t").size());
        JsonNode last = es.get("_latent/translator/s/t").ok();
        assertEquals(Collections.max(versions.get("s->t")).longValue(), last.path("version").asLong(),
            "the stored translator is the last fit");
        if (last.path("stale").asBoolean() == false) {
            assertEquals(expected, last.path("anchors").path("shared").asInt(), "a translator reported fresh was fitted on every anchor");
        }

        // the final fit against a fit of the same anchors computed here (orthogonal is refitted on every anchor)
        JsonNode fit = es.put("_latent/translator/s/t", Map.of("method", "orthogonal")).ok();
        assertFalse(es.get("_latent/translator/s/t").ok().path("stale").asBoolean());
        assertEquals(expected, fit.path("anchors").path("shared").asInt());
        List<String> allIds = new ArrayList<>(ids("i", 0, INITIAL));
        List<float[]> allSources = new ArrayList<>(sources("i", 0, INITIAL)), allTargets = new ArrayList<>(targets("i", 0, INITIAL));
        for (int c = 0; c < CLIENTS; c++) {
            allIds.addAll(ids("c" + c + "-", 0, ROUNDS * PER_ROUND));
            allSources.addAll(sources("c" + c + "-", 0, ROUNDS * PER_ROUND));
            allTargets.addAll(targets("c" + c + "-", 0, ROUNDS * PER_ROUND));
        }
        LinearTranslator local = TranslatorFitter.fit(AnchorSet.of(DIMS, allIds, allSources), AnchorSet.of(DIMS, allIds, allTargets),
            FitOptions.defaults().withMethod(Method.ORTHOGONAL)).linearTranslator();
        float[] probe = source("probe");
        JsonNode remote = es.post("_latent/_translate", Map.of("from", "s", "to", "t", "vectors", List.of(probe))).ok().path("vectors")
            .get(0);
        float[] expectedVector = local.translate(probe, false);
        for (int j = 0; j < DIMS; j++) {
            assertEquals(expectedVector[j], remote.get(j).floatValue(), 1e-4, "coordinate " + j + " of the final translator");
        }
        System.out.println(String.format(Locale.ROOT,
            "[concurrent-writers] %d clients x %d rounds: %d anchors per model, %d uploads and %d "
            + "fits stored, %d conflicts retried", CLIENTS, ROUNDS, expected, versions.get("s").size() + versions.get("t").size(),
            versions.get("s->t").size(), conflicts.get()));
    }

    /** Retries a write refused with 409 (another request changed the model first), as a client is told to. */
    private static JsonNode retrying(AtomicInteger conflicts, Supplier<EsResponse> write) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            EsResponse r = write.get();
            if (r.status() == 200) {
                return r.json();
            }
            assertEquals(409, r.status(), "only conflicts may refuse a good write: " + r.body());
            conflicts.incrementAndGet();
            try {
                Thread.sleep(5 + (long) (Math.random() * 20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("a write kept conflicting for " + MAX_ATTEMPTS + " attempts");
    }

    private static void record(Map<String, List<Long>> versions, String key, JsonNode response) {
        versions.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>())).add(response.path("version").asLong());
    }

    private static void upload(EsHttp es, String model, List<String> ids, List<float[]> vectors) {
        es.post("_latent/model/" + model + "/_anchors", Map.of("ids", ids, "vectors", vectors)).ok();
    }

    private static List<String> ids(String prefix, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    /** A source vector determined by its id, so any client and the check here agree on it. */
    private static float[] source(String id) {
        Random random = new Random(id.hashCode());
        float[] v = new float[DIMS];
        for (int j = 0; j < DIMS; j++) {
            v[j] = (float) random.nextGaussian();
        }
        return v;
    }

    private static List<float[]> sources(String prefix, int from, int to) {
        return ids(prefix, from, to).stream().map(ConcurrentWritersIT::source).toList();
    }

    private static List<float[]> targets(String prefix, int from, int to) {
        return ids(prefix, from, to).stream().map(id -> SyntheticAnchors.rotate(source(id), ROTATION, 1)).toList();
    }
}
