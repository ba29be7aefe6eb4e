package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The anchor store on a three-node cluster (security off): a write through one node is what every other node serves as
 * soon as the write returns (the broadcast cache invalidation), the system index has a replica, and a restarted node
 * serves the same translator bit for bit from the stored form.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnchorStoreClusterIT {
    private static final int DIMS = 8, N = 60;

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("anchor-store-cluster").nodes(3).heap("512m").build();

    static final float[][] SOURCE = new float[N][DIMS], TARGET = new float[N][DIMS], NEW_TARGET = new float[N][DIMS];
    static final double[][] ROTATION = SyntheticAnchors.rotation(DIMS, new Random(11)), NEW_ROTATION = SyntheticAnchors.rotation(DIMS,
        new Random(12));
    static final List<float[]> QUERIES = new ArrayList<>();

    static {
        Random random = new Random(2);
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < DIMS; j++) {
                SOURCE[i][j] = (float) (random.nextGaussian() + 0.3);
            }
            TARGET[i] = SyntheticAnchors.rotate(SOURCE[i], ROTATION, 2);
            NEW_TARGET[i] = SyntheticAnchors.rotate(SOURCE[i], NEW_ROTATION, 3);
        }
        for (int q = 0; q < 3; q++) {
            float[] v = new float[DIMS];
            for (int j = 0; j < DIMS; j++) {
                v[j] = (float) (random.nextGaussian() + 0.3);
            }
            QUERIES.add(v);
        }
    }

    static List<String> ids() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            ids.add("a" + i);
        }
        return ids;
    }

    @BeforeAll
    static void modelsAndATranslatorWrittenThroughNode0() {
        EsHttp es = CLUSTER.http(0);
        es.put("_latent/model/src", Map.of("dims", DIMS, "roles", List.of("query", "document"))).ok();
        es.put("_latent/model/tgt", Map.of("dims", DIMS)).ok();
        es.post("_latent/model/src/_anchors", Map.of("role", "query", "ids", ids(), "vectors", List.of(SOURCE))).ok();
        es.post("_latent/model/tgt/_anchors", Map.of("ids", ids(), "vectors", List.of(TARGET))).ok();
        JsonNode fit = es.put("_latent/translator/src/tgt", Map.of("method", "orthogonal", "seed", 1)).ok();
        assertEquals(1, fit.path("version").asLong(), fit.toString());
    }

    static EsResponse translate(int node, List<float[]> vectors) {
        return CLUSTER.http(node).post("_latent/_translate", Map.of("from", "src", "to", "tgt", "vectors", vectors));
    }

    /** The float bits of every coordinate: equal arrays mean the same vectors float for float. */
    static int[] bits(JsonNode vectors) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode v : vectors) {
            for (JsonNode x : v) {
                assertTrue(x.isNumber(), "a number: " + x);
                out.add(Float.floatToRawIntBits((float) x.asDouble()));
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    static String nodeId(int node) {
        JsonNode nodes = CLUSTER.http(node).get("_nodes/_local").ok().path("nodes");
        assertEquals(1, nodes.size(), nodes.toString());
        return nodes.fieldNames().next();
    }

    /** This node's own entry of {@code GET /_latent/_stats}, asked through the node itself. */
    static JsonNode ownStats(int node) {
        JsonNode stats = CLUSTER.http(node).get("_latent/_stats").ok();
        assertEquals(3, stats.path("nodes").size(), "all nodes answer: " + stats);
        JsonNode own = stats.path("nodes").path(nodeId(node));
        assertFalse(own.isMissingNode(), stats.toString());
        return own;
    }

    static JsonNode shardsOfSystemIndex() {
        JsonNode rows = CLUSTER.http(0).get("_cat/shards/.latent-bridge?format=json&h=index,shard,prirep,state,node")
            .ok();
        assertTrue(rows.isArray(), rows.toString());
        return rows;
    }

    static void assertOneStartedReplicaOnAnotherNode() {
        JsonNode health = CLUSTER.http(0).get("_cluster/health/.latent-bridge?expand_wildcards=all&wait_for_status=green&timeout=60s").ok();
        assertEquals("green", health.path("status").asText(), health.toString());
        JsonNode rows = shardsOfSystemIndex();
        assertEquals(2, rows.size(), "one primary and one replica: " + rows);
        Set<String> copies = new HashSet<>(), nodes = new HashSet<>();
        for (JsonNode row : rows) {
            assertEquals(".latent-bridge", row.path("index").asText(), row.toString());
            assertEquals("STARTED", row.path("state").asText(), rows.toString());
            copies.add(row.path("prirep").asText());
            nodes.add(row.path("node").asText());
        }
        assertEquals(Set.of("p", "r"), copies, rows.toString());
        assertEquals(2, nodes.size(), "the copies are on different nodes: " + rows);
    }

    @Test
    @Order(1)
    void theSystemIndexHasOneReplicaWithMoreThanOneNode() {
        JsonNode settings = CLUSTER.http(0).get(".latent-bridge/_settings?expand_wildcards=all&flat_settings=true").ok();
        JsonNode index = settings.path(".latent-bridge").path("settings");
        assertEquals("1", index.path("index.number_of_shards").asText(), settings.toString());
        assertEquals("1", index.path("index.number_of_replicas").asText(), settings.toString());
        assertEquals("0-1", index.path("index.auto_expand_replicas").asText(), settings.toString());
        assertOneStartedReplicaOnAnotherNode();
    }

    @Test
    @Order(2)
    void aChangeWrittenThroughNode0IsServedByNode2AsSoonAsTheWriteReturns() {
        List<float[]> query = List.of(QUERIES.get(0));
        // warm node 2's cache, and check it is warm (the second translation is a hit)
        JsonNode before = translate(2, query).ok();
        long hitsBefore = ownStats(2).path("cache").path("hits").asLong();
        assertArrayEquals(bits(before.path("vectors")), bits(translate(2, query).ok().path("vectors")));
        assertTrue(ownStats(2).path("cache").path("hits").asLong() > hitsBefore, "node 2 served the second translation from its cache");
        assertEquals(1, before.path("translator_version").asLong(), before.toString());
        assertArrayEquals(bits(before.path("vectors")), bits(translate(0, query).ok().path("vectors")), "nodes 0 and 2 agree");
        assertTrue(SyntheticAnchors.cosine(before.path("vectors").get(0), SyntheticAnchors.rotate(query.get(0), ROTATION, 2)) > 0.95,
            before.toString());

        // new target anchors through node 0: node 2 must see the model change (stale) but keep the stored translator
        JsonNode anchors = CLUSTER.http(0).post("_latent/model/tgt/_anchors", Map.of("ids", ids(), "vectors", List.of(NEW_TARGET))).ok();
        assertEquals(N, anchors.path("replaced").asInt(), anchors.toString());
        JsonNode stale = translate(2, query).ok();
        assertTrue(stale.path("stale").asBoolean(), "node 2 sees the new anchors at once: " + stale);
        assertEquals(1, stale.path("translator_version").asLong(), stale.toString());
        assertArrayEquals(bits(before.path("vectors")), bits(stale.path("vectors")), "new anchors do not change a stored translator");

        // refit through node 0; the very next translation through node 2 must use the new translator
        JsonNode refit = CLUSTER.http(0).put("_latent/translator/src/tgt", Map.of("method", "orthogonal", "seed", 1)).ok();
        assertEquals(2, refit.path("version").asLong(), refit.toString());
        JsonNode after2 = translate(2, query).ok();
        JsonNode after0 = translate(0, query).ok();
        assertEquals(2, after2.path("translator_version").asLong(), "node 2 served the old translator: " + after2);
        assertFalse(after2.path("stale").asBoolean(), after2.toString());
        assertArrayEquals(bits(after0.path("vectors")), bits(after2.path("vectors")),
            "node 2 answers exactly what node 0 answers after the refit: node 0 " + after0.path("vectors") + ", node 2 "
            + after2.path("vectors"));
        assertNotEquals(before.path("vectors"), after2.path("vectors"), "the translation changed");
        assertTrue(SyntheticAnchors.cosine(after2.path("vectors").get(0), SyntheticAnchors.rotate(query.get(0), NEW_ROTATION, 3)) > 0.95,
            "the new translator maps onto the new rotation: " + after2);
        assertEquals(2, CLUSTER.http(2).get("_latent/translator/src/tgt").ok().path("version").asLong());
        // and node 1, which never translated, agrees too
        assertArrayEquals(bits(after0.path("vectors")), bits(translate(1, query).ok().path("vectors")));
    }

    @Test
    @Order(0) // before the target's anchors change
    void latentKnnWorksFromEveryCoordinatingNode() throws Exception {
        EsHttp es = CLUSTER.http(0);
        es.put("coordinated", Map.of("settings", Map.of("number_of_shards", 3), "mappings", Map.of("properties", Map.of("emb", Map.of(
            "type", "dense_vector", "dims", DIMS, "index_options", Map.of("type", "hnsw"), "meta", Map.of("latent_model", "tgt")))))).ok();
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < N; i++) {
            bulk.append("{\"index\":{\"_index\":\"coordinated\",\"_id\":\"d").append(i).append("\"}}\n");
            bulk.append(EsHttp.JSON.writeValueAsString(Map.of("emb", TARGET[i]))).append('\n');
        }
        es.post("_bulk?refresh=true", bulk.toString()).ok();
        for (int node = 0; node < 3; node++) {
            JsonNode hits = CLUSTER.http(node).post("coordinated/_search", Map.of("size", 1, "query", Map.of("latent_knn", Map.of(
                "field", "emb", "query_vector", SOURCE[4], "model", "src", "k", 1)))).ok().path("hits").path("hits");
            assertEquals("d4", hits.get(0).path("_id").asText(), "through node " + node + ": " + hits);
        }
        CLUSTER.http(0).delete("coordinated").ok();
    }

    @Test
    @Order(3)
    void aTranslatorDeletedThroughNode0IsGoneOnNode2AtOnce() {
        List<float[]> query = List.of(QUERIES.get(1));
        JsonNode cached = translate(2, query).ok(); // in node 2's cache now
        CLUSTER.http(0).delete("_latent/translator/src/tgt").ok();
        EsResponse gone = translate(2, query);
        assertEquals(404, gone.status(), "node 2 still served a deleted translator: " + gone.body());
        assertEquals("resource_not_found_exception", gone.json().path("error").path("type").asText(), gone.body());

        JsonNode refit = CLUSTER.http(0).put("_latent/translator/src/tgt", Map.of("method", "orthogonal", "seed", 1)).ok();
        assertEquals(1, refit.path("version").asLong(), "a new translator after a delete: " + refit);
        JsonNode again = translate(2, query).ok();
        assertEquals(1, again.path("translator_version").asLong(), again.toString());
        // same anchors, same options, same seed: the same translator
        assertArrayEquals(bits(cached.path("vectors")), bits(again.path("vectors")));
    }

    @Test
    @Order(4)
    void aRestartedNodeServesTheSameTranslatorBitForBit() {
        JsonNode before = translate(1, QUERIES).ok();
        JsonNode relativeBefore = CLUSTER.http(1).post("_latent/_translate", Map.of("from", "src", "to", "_relative", "vectors", QUERIES))
            .ok();
        String id = nodeId(1);
        long pid = CLUSTER.node(1).pid();

        CLUSTER.stopNode(1);
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false, "node 1 exited");
        // the other nodes keep serving the same translator while node 1 is away (a master election may be under way)
        EsResponse meanwhile = null;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            meanwhile = translate(0, QUERIES);
            if (meanwhile.status() == 200) {
                break;
            }
            sleep(500);
        }
        assertEquals(200, meanwhile.status(), meanwhile.body());
        assertArrayEquals(bits(before.path("vectors")), bits(meanwhile.json().path("vectors")));

        CLUSTER.startNode(1);
        CLUSTER.waitForGreen();
        assertNotEquals(pid, CLUSTER.node(1).pid(), "a new process");
        assertEquals(id, nodeId(1), "the same node (same data path) rejoined");
        JsonNode fresh = ownStats(1);
        assertEquals(0, fresh.path("translations").path("count").asLong(), "nothing translated by the new process yet: " + fresh);
        assertEquals(0, fresh.path("cache").path("entries").asLong(), "an empty cache: " + fresh);

        EsResponse after = translate(1, QUERIES);
        JsonNode afterJson = after.ok();
        assertEquals(before.path("translator_version").asLong(), afterJson.path("translator_version").asLong());
        assertArrayEquals(bits(before.path("vectors")), bits(afterJson.path("vectors")),
            "before " + before.path("vectors") + " after " + afterJson.path("vectors"));
        assertEquals(before.path("vectors").toString(), afterJson.path("vectors").toString(), "the same JSON numbers");
        JsonNode relativeAfter = CLUSTER.http(1).post("_latent/_translate", Map.of("from", "src", "to", "_relative", "vectors", QUERIES))
            .ok();
        assertArrayEquals(bits(relativeBefore.path("vectors")), bits(relativeAfter.path("vectors")), "relative vectors too");
        assertTrue(ownStats(1).path("cache").path("misses").asLong() > 0, "node 1 loaded from the index, not from memory");
        assertOneStartedReplicaOnAnotherNode();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
