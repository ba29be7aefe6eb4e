package org.latentbridge.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.latentbridge.it.ElasticsearchCluster;
import org.latentbridge.it.EsHttp;
import org.latentbridge.it.ItEnvironment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Anchor uploads in batches through the API on one node: 20,000 synthetic anchors of 384 dimensions posted in batches
 * of 500 to one model role, each batch an append. Prints the total time, the time of the first and of the last batch,
 * and what the node wrote for it: documents indexed and the bytes its primaries accepted (Elasticsearch's indexing
 * pressure counters, summed over the run). An upload whose cost is what it adds keeps the last batch near the first
 * and the bytes near one copy of the anchors; one that rewrites the merged set grows with every batch. Synthetic
 * vectors: this measures time and volume, not quality.
 *
 * <p>{@code bin/mvn -B -q -Pdemo -Dlatent.main=org.latentbridge.it.bench.AnchorUploadBenchmark -DskipTests -pl integ-tests -am verify}
 *
 * <p>Arguments ({@code -Dlatent.args="..."}): {@code anchors=20000}, {@code batch=500}, {@code dims=384}, {@code replace=0}
 * (the share of each batch after the first that re-uploads ids already stored, to time replace-by-id as well).
 */
public final class AnchorUploadBenchmark {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        int total = Integer.parseInt(options.getOrDefault("anchors", "20000"));
        int batch = Integer.parseInt(options.getOrDefault("batch", "500"));
        int dims = Integer.parseInt(options.getOrDefault("dims", "384"));
        double replace = Double.parseDouble(options.getOrDefault("replace", "0"));
        Random random = new Random(1);
        try (ElasticsearchCluster cluster = ElasticsearchCluster.builder("anchor-upload").nodes(1).heap("2g")
            .startTimeout(Duration.ofMinutes(10)).build()) {
            cluster.start();
            EsHttp es = cluster.http().withTimeout(Duration.ofMinutes(10));
            es.put("_latent/model/m", Map.of("dims", dims)).ok();
            long[] before = writeCounters(es);
            List<Double> seconds = new ArrayList<>();
            int next = 0, replacedTotal = 0;
            long start = System.nanoTime();
            while (next < total) {
                int fresh = Math.min(batch, total - next);
                int replaced = next == 0 ? 0 : (int) Math.min(next, Math.round(batch * replace));
                fresh = Math.min(fresh, batch - replaced);
                List<String> ids = new ArrayList<>();
                List<float[]> vectors = new ArrayList<>();
                for (int i = 0; i < replaced; i++) {
                    ids.add("a" + random.nextInt(next));
                    vectors.add(gaussian(random, dims));
                }
                ids = new ArrayList<>(new LinkedHashSet<>(ids));
                vectors = new ArrayList<>(vectors.subList(0, ids.size()));
                for (int i = 0; i < fresh; i++) {
                    ids.add("a" + (next + i));
                    vectors.add(gaussian(random, dims));
                }
                long t0 = System.nanoTime();
                JsonNode r = es.post("_latent/model/m/_anchors", Map.of("ids", ids, "vectors", vectors)).ok();
                seconds.add((System.nanoTime() - t0) / 1e9);
                next += fresh;
                replacedTotal += r.path("replaced").asInt();
                if (r.path("anchors").asInt() != next) {
                    throw new AssertionError("expected " + next + " anchors after the batch, the node reports " + r.path("anchors"));
                }
            }
            double totalSeconds = (System.nanoTime() - start) / 1e9;
            long[] after = writeCounters(es);
            int batches = seconds.size();
            double anchorBytes = 4.0 * total * dims;
            System.out.println(String.format(Locale.ROOT,
                "[anchor-upload] Elasticsearch %s (%s); %d anchors x %d dims in %d batches of %d%s",
                ItEnvironment.esVersion(), ItEnvironment.javaHome(), total, dims, batches, batch,
                replacedTotal == 0 ? "" : ", " + replacedTotal + " of the uploaded rows replacing stored ids"));
            System.out.println(String.format(Locale.ROOT, "[anchor-upload] total %.1f s; first batch %.3f s; last batch %.3f s; "
                + "mean of the last 5 %.3f s", totalSeconds, seconds.get(0), seconds.get(batches - 1),
                seconds.subList(Math.max(0, batches - 5), batches).stream().mapToDouble(Double::doubleValue).average().orElse(0)));
            System.out.println(String.format(Locale.ROOT, "[anchor-upload] written: %d documents, %.1f MB accepted by the primaries "
                + "(%.1f x the %.1f MB of raw float32 anchors)", after[0] - before[0], (after[1] - before[1]) / 1e6,
                (after[1] - before[1]) / anchorBytes, anchorBytes / 1e6));
            JsonNode model = es.get("_latent/model/m").ok();
            System.out.println("[anchor-upload] model after the run: " + model.path("roles").path("document").path("anchors") + " anchors");
        }
    }

    /** Documents indexed and bytes accepted by primaries on the node, since it started. */
    private static long[] writeCounters(EsHttp es) {
        JsonNode node = es.get("_nodes/stats/indices,indexing_pressure").ok().path("nodes").elements().next();
        return new long[] {node.path("indices").path("indexing").path("index_total").asLong(),
            node.path("indexing_pressure").path("memory").path("total").path("primary_in_bytes").asLong()};
    }

    private static float[] gaussian(Random random, int dims) {
        float[] v = new float[dims];
        for (int j = 0; j < dims; j++) {
            v[j] = (float) random.nextGaussian();
        }
        return v;
    }

    private AnchorUploadBenchmark() {}
}
