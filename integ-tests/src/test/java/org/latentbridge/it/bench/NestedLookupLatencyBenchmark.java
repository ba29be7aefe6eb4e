package org.latentbridge.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.latentbridge.it.ElasticsearchCluster;
import org.latentbridge.it.EsHttp;
import org.latentbridge.it.ItEnvironment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@code knn} with {@code latent_translation} around a nested {@code lookup} against a native {@code knn} with the same
 * {@code lookup}, in one run on one 9.x node (8.19 has no {@code lookup}). The looked-up document holds both vectors of one
 * query: {@code q_emb} of the query model, and {@code d_emb}, the same vector already translated into the documents' model
 * by {@code _translate}. Both sides look up the same document of the same index, then search the same force-merged index,
 * so the difference is what the translation adds: parsing the nested builder, the translation, its checks. Warm-up, then
 * interleaved rounds (the order alternates each round) so that drift in the machine hits both sides alike. Synthetic
 * vectors: this measures time, not quality.
 *
 * <p>{@code bin/mvn -B -q -Pdemo -Dlatent.main=org.latentbridge.it.bench.NestedLookupLatencyBenchmark -DskipTests -pl integ-tests -am
 * verify}
 */
public final class NestedLookupLatencyBenchmark {
    private static final int DIMS = 384, DOCS = 10_000, ANCHORS = 2_000, QUERIES = 300, WARMUP = 300, ROUNDS = 1_000;

    public static void main(String[] args) throws Exception {
        Random random = new Random(19);
        try (ElasticsearchCluster cluster = ElasticsearchCluster.builder("nested-lookup-latency").nodes(1).heap("2g").build()) {
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
            for (int i = 0; i < ANCHORS; i++) {
                float[] v = gaussian(random), w = new float[DIMS];
                for (int j = 0; j < DIMS; j++) {
                    w[j] = ((j & 1) == 0 ? 1 : -1) * v[(j * 7 + 3) % DIMS] + (float) (0.1 * random.nextGaussian());
                }
                ids.add("a" + i);
                qa.add(v);
                da.add(w);
            }
            es.post("_latent/model/q/_anchors", Map.of("ids", ids, "vectors", qa)).ok();
            es.post("_latent/model/d/_anchors", Map.of("ids", ids, "vectors", da)).ok();
            JsonNode fit = es.withTimeout(Duration.ofMinutes(20)).put("_latent/translator/q/d", Map.of("source_role", "document")).ok();

            // the stored queries: q_emb of the query model, d_emb the same query translated (unit length, as the builder's)
            List<float[]> queries = new ArrayList<>();
            for (int i = 0; i < QUERIES; i++) {
                queries.add(gaussian(random));
            }
            JsonNode translated = es.post("_latent/_translate", Map.of("from", "q", "to", "d", "role", "document", "normalize", true,
                "vectors", queries)).ok().path("vectors");
            es.put("queries", Map.of("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0), "mappings", Map.of("properties",
                Map.of("q_emb", Map.of("type", "dense_vector", "dims", DIMS, "similarity", "cosine"),
                    "d_emb", Map.of("type", "dense_vector", "dims", DIMS, "similarity", "cosine"))))).ok();
            StringBuilder bulk = new StringBuilder();
            for (int i = 0; i < QUERIES; i++) {
                bulk.append(EsHttp.JSON.writeValueAsString(Map.of("index", Map.of("_id", "q" + i)))).append('\n')
                    .append(EsHttp.JSON.writeValueAsString(Map.of("q_emb", queries.get(i), "d_emb", translated.get(i)))).append('\n');
            }
            es.post("queries/_bulk?refresh=true", bulk.toString()).ok();

            List<Map<String, Object>> nativeBodies = new ArrayList<>(), latentBodies = new ArrayList<>();
            for (int i = 0; i < QUERIES; i++) {
                nativeBodies.add(body(lookup("q" + i, "d_emb")));
                latentBodies.add(body(Map.of("latent_translation", Map.of("query_vector_builder", lookup("q" + i, "q_emb"), "model", "q",
                    "target_model", "d", "role", "document"))));
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
                if (hitIds(a).equals(hitIds(b))) {
                    same++;
                }
            }
            Arrays.sort(nat);
            Arrays.sort(lat);
            System.out.println(String.format(Locale.ROOT, "[nested-lookup] Elasticsearch %s on Java %s; translator %s over %d anchors",
                ItEnvironment.esVersion(), es.get("_nodes/jvm").ok().path("nodes").elements().next().path("jvm").path("version").asText(),
                fit.path("method").asText(), ANCHORS));
            System.out.println(String.format(Locale.ROOT,
                "[nested-lookup] %d docs x %d dims, 1 shard, force-merged; knn k=10, num_candidates=100; lookup in a 1-shard index "
                    + "of %d queries; %d interleaved rounds after %d warm-up pairs", DOCS, DIMS, QUERIES, ROUNDS, WARMUP));
            System.out.println(String.format(Locale.ROOT, "[nested-lookup] native knn + lookup                    p50 %.3f ms  p99 %.3f ms",
                pct(nat, 0.5), pct(nat, 0.99)));
            System.out.println(String.format(Locale.ROOT, "[nested-lookup] knn + latent_translation(lookup)       p50 %.3f ms  p99 %.3f ms",
                pct(lat, 0.5), pct(lat, 0.99)));
            System.out.println(String.format(Locale.ROOT, "[nested-lookup] ratio p50 %.3f  p99 %.3f; added p50 %.3f ms; identical hits in "
                + "%d of %d rounds", pct(lat, 0.5) / pct(nat, 0.5), pct(lat, 0.99) / pct(nat, 0.99), pct(lat, 0.5) - pct(nat, 0.5), same,
                ROUNDS));
        }
    }

    private static Map<String, Object> lookup(String id, String path) {
        return Map.of("lookup", Map.of("index", "queries", "id", id, "path", path));
    }

    private static Map<String, Object> body(Map<String, Object> builder) {
        return Map.of("knn", Map.of("field", "emb", "k", 10, "num_candidates", 100, "query_vector_builder", builder), "size", 10,
            "_source", false);
    }

    private static List<String> hitIds(JsonNode response) {
        List<String> out = new ArrayList<>();
        for (JsonNode hit : response.path("hits").path("hits")) {
            out.add(hit.path("_id").asText());
        }
        return out;
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

    private NestedLookupLatencyBenchmark() {}
}
