package org.latentbridge.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.latentbridge.it.ElasticsearchCluster;
import org.latentbridge.it.EsHttp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Bulk throughput with the ingest processors against plain bulk of the same output vectors, in one run on one node:
 * the same 20,000 documents in batches of 500, the four indices fed in turn, batch by batch, so drift hits all alike.
 * {@code latent_translate} (384 -> 384) is compared with plain bulk of 384-d vectors; {@code latent_relative} (1,000
 * anchors) with plain bulk of the already-projected 1,000-d vectors. Synthetic vectors: this measures time only.
 *
 * <p>{@code bin/mvn -B -q -Pdemo -Dlatent.main=org.latentbridge.it.bench.IngestThroughputBenchmark -DskipTests -pl integ-tests -am verify}
 */
public final class IngestThroughputBenchmark {
    private static final int DIMS = 384, ANCHORS = 1000, DOCS = 20_000, BATCH = 500;

    public static void main(String[] args) throws Exception {
        Random random = new Random(3);
        try (ElasticsearchCluster cluster = ElasticsearchCluster.builder("ingest-throughput").nodes(1).heap("2g").build()) {
            cluster.start();
            EsHttp es = cluster.http().withTimeout(Duration.ofMinutes(10));
            es.put("_latent/model/b", Map.of("dims", DIMS)).ok();
            es.put("_latent/model/a", Map.of("dims", DIMS)).ok();
            List<String> ids = new ArrayList<>();
            List<float[]> bv = new ArrayList<>(), av = new ArrayList<>();
            for (int i = 0; i < ANCHORS; i++) {
                float[] v = gaussian(random), w = new float[DIMS];
                for (int j = 0; j < DIMS; j++) {
                    w[j] = -v[(j + 11) % DIMS] + (float) (0.1 * random.nextGaussian());
                }
                ids.add("a" + i);
                bv.add(v);
                av.add(w);
            }
            es.post("_latent/model/b/_anchors", Map.of("ids", ids, "vectors", bv)).ok();
            es.post("_latent/model/a/_anchors", Map.of("ids", ids, "vectors", av)).ok();
            es.put("_latent/translator/b/a", Map.of("source_role", "document")).ok();
            // in place: the translated document carries the same bytes as the plain one
            es.put("_ingest/pipeline/translate", Map.of("processors", List.of(Map.of("latent_translate", Map.of("field", "emb", "from", "b",
                "to", "a", "normalize", true))))).ok();
            es.put("_ingest/pipeline/relative", Map.of("processors", List.of(Map.of("latent_relative", Map.of("field", "rel",
                "model", "b"))))).ok();
            // the same ingest path with no work of ours: what Elasticsearch's pipeline machinery costs by itself
            es.put("_ingest/pipeline/noop", Map.of("processors", List.of(Map.of("latent_relative", Map.of("field", "absent", "model", "b",
                "ignore_missing", true))))).ok();
            for (String index : List.of("plain", "translated")) {
                es.put(index, mapping("emb", DIMS)).ok();
            }
            for (String index : List.of("plain-relative", "relative")) {
                es.put(index, mapping("rel", ANCHORS)).ok();
            }

            List<float[]> docs = new ArrayList<>();
            for (int i = 0; i < DOCS; i++) {
                docs.add(gaussian(random));
            }
            List<float[]> translated = new ArrayList<>(), projected = new ArrayList<>();
            for (int from = 0; from < DOCS; from += 1000) {
                List<float[]> chunk = docs.subList(from, from + 1000);
                translated.addAll(floats(es.post("_latent/_translate", Map.of("from", "b", "to", "a", "role", "document", "normalize", true,
                    "vectors", chunk)).ok().path("vectors")));
                projected.addAll(floats(es.post("_latent/_translate", Map.of("from", "b", "to", "_relative", "role", "document",
                    "vectors", chunk)).ok().path("vectors")));
            }

            long[] nanos = new long[5];
            String[] names = {"plain 384-d", "latent_translate 384->384", "plain 1,000-d relative", "latent_relative (1,000 anchors)",
                "pipeline doing nothing, 384-d"};
            es.put("noop-plain", mapping("emb", DIMS)).ok();
            for (int from = 0; from < DOCS; from += BATCH) {
                String plain = bulk("plain", "emb", translated, from), viaTranslate = bulk("translated", "emb", docs, from);
                String plainRelative = bulk("plain-relative", "rel", projected, from), viaRelative = bulk("relative", "rel", docs, from);
                String[] bodies = {plain, viaTranslate, plainRelative, viaRelative, bulk("noop-plain", "emb", translated, from)};
                String[] paths = {"_bulk", "_bulk?pipeline=translate", "_bulk", "_bulk?pipeline=relative", "_bulk?pipeline=noop"};
                for (int k = 0; k < 5; k++) {
                    int which = (k + from / BATCH) % 5; // rotate the order every batch
                    long t0 = System.nanoTime();
                    JsonNode r = es.post(paths[which], bodies[which]).ok();
                    nanos[which] += System.nanoTime() - t0;
                    if (r.path("errors").asBoolean()) {
                        throw new IllegalStateException(names[which] + " failed: " + r.toString().substring(0, 500));
                    }
                }
            }
            double[] rate = new double[5];
            for (int k = 0; k < 5; k++) {
                rate[k] = DOCS / (nanos[k] / 1e9);
                System.out.println(String.format(Locale.ROOT, "[ingest-throughput] %-34s %8.0f docs/s", names[k], rate[k]));
            }
            System.out.println(String.format(Locale.ROOT,
                "[ingest-throughput] latent_translate / plain %.3f; latent_relative / plain %.3f; "
                + "empty pipeline / plain %.3f (%d docs, bulks of %d, interleaved)", rate[1] / rate[0], rate[3] / rate[2],
                rate[4] / rate[0], DOCS, BATCH));
            JsonNode t = es.get("_latent/_stats").ok().path("nodes").elements().next().path("translations");
            System.out.println(String.format(Locale.ROOT, "[ingest-throughput] node kernels %s, %d translations, mean %.1f us",
                t.path("kernels").asText(), t.path("count").asLong(),
                t.path("time_in_nanos").asLong() / 1e3 / Math.max(1, t.path("count").asLong())));
        }
    }

    private static Map<String, Object> mapping(String field, int dims) {
        return Map.of("settings", Map.of("number_of_shards", 1, "number_of_replicas", 0), "mappings", Map.of("properties", Map.of(field,
            Map.of("type", "dense_vector", "dims", dims, "similarity", "cosine", "index_options", Map.of("type", "hnsw")), "v",
            Map.of("type", "float", "index", false, "doc_values", false))));
    }

    private static String bulk(String index, String field, List<float[]> vectors, int from) throws Exception {
        StringBuilder b = new StringBuilder();
        String action = "{\"index\":{\"_index\":\"" + index + "\"}}\n";
        for (int i = from; i < from + BATCH; i++) {
            b.append(action).append(EsHttp.JSON.writeValueAsString(Map.of(field, vectors.get(i)))).append('\n');
        }
        return b.toString();
    }

    private static List<float[]> floats(JsonNode rows) {
        List<float[]> out = new ArrayList<>();
        for (JsonNode row : rows) {
            float[] v = new float[row.size()];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) row.get(j).asDouble();
            }
            out.add(v);
        }
        return out;
    }

    private static float[] gaussian(Random random) {
        float[] v = new float[DIMS];
        for (int j = 0; j < DIMS; j++) {
            v[j] = (float) random.nextGaussian();
        }
        return v;
    }

    private IngestThroughputBenchmark() {}
}
