package org.latentbridge.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rolling restart of every node of a 3-node cluster (an index with a replica) while four clients search it with
 * {@code latent_knn}. Each node is drained (its shards moved off) before it stops, as a rolling restart should; clients
 * route around the node being restarted, as a client with several hosts does; every request
 * sent to a running node must succeed with every shard answering, including the first ones a restarted node coordinates with
 * a cold cache.
 */
class RollingRestartIT {
    private static final int DIMS = 32, DOCS = 3_000, ANCHORS = 300, CLIENTS = 4, NODES = 3;

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("rolling-restart").nodes(NODES).heap("512m").build();

    private static final String EXCLUDE_NAME = "cluster.routing.allocation.exclude._name";

    /**
     * Moves every shard off a node before it stops, the drain step of a rolling restart. Stopping a node that still holds
     * shard copies fails any search whose query phase ran there and whose fetch phase comes after the node closed its
     * transport: Elasticsearch does not retry a fetch on another copy (one CI run saw this once in about 1,000 searches).
     * A relocated copy keeps serving the searches that already hold its reader, so draining first loses nothing.
     */
    private static void drain(EsHttp es, String nodeName) throws InterruptedException {
        es.put("_cluster/settings", Map.of("persistent", Map.of(EXCLUDE_NAME, nodeName))).ok();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            boolean holdsShards = false;
            for (var shard : es.get("_cat/shards?format=json&h=node").ok()) {
                // a relocating copy reads "source -> address id target"; either end still holds the shard
                holdsShards |= shard.path("node").asText().contains(nodeName);
            }
            if (holdsShards == false) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("shards did not move off " + nodeName + " within 2 minutes");
            }
            Thread.sleep(200);
        }
    }

    @Test
    void noSearchFailsWhileEveryNodeRestartsInTurn() throws Exception {
        EsHttp es = CLUSTER.http().withTimeout(Duration.ofMinutes(2));
        Random random = new Random(31);
        float[][] source = SyntheticAnchors.registerRotatedPair(es, DIMS, ANCHORS, Map.of(), random);
        es.put("docs", Map.of("settings", Map.of("number_of_shards", 2, "number_of_replicas", 1), "mappings", Map.of("properties", Map.of(
            "emb", Map.of("type", "dense_vector", "dims", DIMS, "similarity", "cosine", "meta", Map.of("latent_model", "t")))))).ok();
        float[][] docs = SyntheticAnchors.gaussian(DOCS, DIMS, 0.2, random);
        KnnEvaluation.bulkIndex(es, "docs", DOCS, i -> "d" + i, i -> Map.of("emb", docs[i]), null, 1000, done -> {});
        CLUSTER.waitForGreen();

        AtomicIntegerArray down = new AtomicIntegerArray(NODES);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicReference<String> phase = new AtomicReference<>("before the restarts");
        AtomicInteger sent = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.add(pool.submit(() -> {
                Random r = new Random(client);
                while (running.get()) {
                    int node = r.nextInt(NODES);
                    if (down.get(node) == 1) {
                        continue;
                    }
                    Map<String, Object> body = Map.of("query", Map.of("latent_knn", Map.of("field", "emb", "query_vector", source[r.nextInt(
                        ANCHORS)], "model", "s", "k", 5)), "size", 5, "_source", false);
                    sent.incrementAndGet();
                    try {
                        EsResponse response = CLUSTER.http(node).post("docs/_search", body);
                        if (response.status() != 200 || response.json().path("_shards").path("failed").asInt() != 0) {
                            failures.add("node " + node + ", " + phase.get() + ": " + response.status() + " " + response.body());
                        }
                    } catch (RuntimeException e) {
                        if (down.get(node) == 0) {
                            failures.add("node " + node + ", " + phase.get() + ": " + e);
                        }
                    }
                }
                return null;
            }));
        }
        Thread.sleep(2000);
        for (int node = 0; node < NODES; node++) {
            down.set(node, 1);
            EsHttp peer = CLUSTER.http((node + 1) % NODES);
            phase.set("draining node " + node);
            drain(peer, CLUSTER.node(node).name());
            Thread.sleep(1000); // requests already sent to it finish
            phase.set("restarting node " + node);
            CLUSTER.stopNode(node);
            CLUSTER.startNode(node);
            phase.set("node " + node + " back, shards returning");
            peer.put("_cluster/settings", Map.of("persistent", Collections.singletonMap(EXCLUDE_NAME, null))).ok();
            CLUSTER.waitForGreen();
            down.set(node, 0);
            Thread.sleep(2000);
        }
        running.set(false);
        for (Future<?> f : clients) {
            f.get();
        }
        pool.shutdown();
        System.out.println(String.format(Locale.ROOT,
            "[rolling-restart] %d nodes restarted in turn; %d latent_knn searches sent to running "
            + "nodes, %d failed", NODES, sent.get(), failures.size()));
        assertTrue(failures.isEmpty(), failures.size() + " searches failed, e.g. " + failures.peek());
        assertTrue(sent.get() > 100, "searches ran throughout: " + sent.get());
    }
}
