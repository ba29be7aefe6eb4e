package org.latentbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.latentbridge.it.SyntheticAnchors.ids;
import static org.latentbridge.it.SyntheticAnchors.rows;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A rolling upgrade of a 3-node cluster from 8.19.21 to the 9.x line with the plugin installed, the way Elasticsearch's
 * rolling upgrade goes: replica allocation off, flush, one node stopped, moved to 9.x (binaries, the 9.x zip, its JDK),
 * started on its own data, allocation back on, green; then the next node. After every step, with both lines in one
 * cluster, every node must give the hits, translations and pipeline results the 8.19 cluster gave, and a translator
 * refitted through a node of either line must be the one every node translates with at once: the cache invalidation
 * crosses the two lines' transport. Runs in the 9.x execution only: the 8.19 line has nothing to upgrade to.
 */
class RollingUpgradeIT {
    private static final int DOCS = 200, NODES = 3, DIMS = UpgradeFixture.DIMS, ANCHORS = UpgradeFixture.ANCHORS;
    private static final String ALLOCATION = "cluster.routing.allocation.enable";

    private final Random random = new Random(71);
    private final UpgradeFixture fixture = new UpgradeFixture(random);
    /** Anchors of the probe pair, whose target anchors each refit replaces with a fresh rotation of these. */
    private final float[][] probeSource = SyntheticAnchors.gaussian(ANCHORS, DIMS, 0.0, random);
    /** Mixed states checked so far; picks fresh items for the pipeline check. */
    private int statesChecked;

    @Test
    void everyMixedStateServesTheSameTranslationsAndSeesEveryRefit() throws Exception {
        assumeTrue(ItEnvironment.esMajor() >= 9, "the upgrade starts on 8.19 and ends on the line under test");
        ElasticsearchCluster cluster = ElasticsearchCluster.builder("rolling-upgrade").nodes(NODES).line(ItEnvironment.es8Line()).build();
        try (cluster) {
            cluster.start();
            EsHttp es = cluster.http();
            fixture.storeModelsTranslatorAndPipeline(es);
            es.put("_latent/model/probe-from", Map.of("dims", DIMS)).ok();
            es.put("_latent/model/probe-to", Map.of("dims", DIMS)).ok();
            es.post("_latent/model/probe-from/_anchors", Map.of("ids", ids(0, ANCHORS), "vectors", rows(probeSource, 0, ANCHORS))).ok();
            // flat: exact kNN, so a primary and its replica (each with its own segments) give the same hits
            fixture.createIndex(es, "docs", 2, 1, "flat", DOCS);
            fixture.createIndex(es, "ingested", 2, 1, "flat", 0);
            cluster.waitForGreen();

            JsonNode translatedBefore = fixture.translatedQueries(es);
            List<List<String>> hitsBefore = fixture.latentKnnHits(es, "docs");
            assertEquals("d3", hitsBefore.get(3).get(0), "the item's own document comes first");
            assertMixedStateServes(cluster, "8.19 only", translatedBefore, hitsBefore);

            for (int upgraded = 0; upgraded < NODES; upgraded++) {
                EsHttp peer = cluster.http((upgraded + 1) % NODES);
                peer.put("_cluster/settings", Map.of("persistent", Map.of(ALLOCATION, "primaries"))).ok();
                peer.post("_flush", null).ok();
                cluster.stopNode(upgraded);
                cluster.upgradeNode(upgraded, ItEnvironment.line());
                cluster.startNode(upgraded);
                peer.put("_cluster/settings", Map.of("persistent", Collections.singletonMap(ALLOCATION, null))).ok();
                cluster.waitForGreen();
                String state = (upgraded + 1) + " of " + NODES + " nodes on " + ItEnvironment.esVersion();
                for (int node = 0; node < NODES; node++) {
                    String expected = node <= upgraded ? ItEnvironment.esVersion() : ItEnvironment.es8Line().version();
                    assertEquals(expected, cluster.http(node).get("_nodes/_local").ok().path("nodes").elements().next().path("version")
                        .asText(), state + ": node " + node);
                }
                assertMixedStateServes(cluster, state, translatedBefore, hitsBefore);
            }
            JsonNode refit = es.put("_latent/translator/new/old", Map.of("method", "orthogonal")).ok();
            assertTrue(refit.path("metrics").path("orthogonal").path("top1").asDouble() > 0.99, refit.toString());
            for (ClusterNode node : cluster.nodes()) {
                // a broadcast a node of the other line could not read would be logged here, and the write still succeed
                assertFalse(node.readServerLog().contains("latent cache invalidation"), node + " logged a failed invalidation");
            }
            int queries = UpgradeFixture.QUERIES;
            System.out.printf(Locale.ROOT,
                "[rolling-upgrade] %d nodes moved from %s to %s one by one; in %d states %d translations, %d latent_knn "
                + "searches and %d pipeline documents matched the 8.19 cluster's, and %d refits were seen by every node at once%n", NODES,
                ItEnvironment.es8Line().version(), ItEnvironment.esVersion(), statesChecked, statesChecked * NODES * queries,
                statesChecked * NODES * queries, statesChecked * NODES, statesChecked * NODES);
        }
    }

    /**
     * Through every node: the translations and hits of the 8.19 cluster, the 8.19 pipeline translating a new document
     * onto its item, and a translator refitted through each node used by every node at once.
     */
    private void assertMixedStateServes(ElasticsearchCluster cluster, String state, JsonNode translatedBefore,
        List<List<String>> hitsBefore) {
        for (int node = 0; node < NODES; node++) {
            EsHttp es = cluster.http(node);
            String where = state + ", node " + node + " (" + cluster.node(node).line().version() + ")";
            UpgradeFixture.assertSameVectors(translatedBefore, fixture.translatedQueries(es), where + ": translated queries");
            assertEquals(hitsBefore, fixture.latentKnnHits(es, "docs"), where + ": latent_knn hits");
            // The pipeline made on 8.19 stores what _translate gives for a new item, near its target (mean_weight 0.5 keeps
            // half the target mean: cosine about 0.97-0.99; another translator would land near 0).
            int item = UpgradeFixture.QUERIES + statesChecked * NODES + node;
            String id = "item-" + item;
            es.put("ingested/_doc/" + id + "?pipeline=to-old", Map.of("emb", fixture.source[item])).expectStatus(201);
            JsonNode stored = es.get("ingested/_doc/" + id + cluster.node(node).line().sourceWithVectorsParameter()).ok()
                .path("_source").path("emb");
            JsonNode expected = es.post("_latent/_translate", Map.of("from", "new", "to", "old", "vectors", List.of(fixture.source[item])))
                .ok().path("vectors").get(0);
            for (int j = 0; j < DIMS; j++) {
                assertEquals(expected.get(j).asDouble(), stored.get(j).asDouble(), 1e-4, where + ": " + id + "[" + j + "], stored "
                    + stored);
            }
            assertTrue(SyntheticAnchors.cosine(stored, fixture.target[item]) > 0.95, where + ": " + id + " lands on its item: " + stored);
        }
        for (int node = 0; node < NODES; node++) {
            assertEveryNodeUsesARefitThrough(cluster, node, state);
        }
        statesChecked++;
    }

    /**
     * Replaces probe-to's anchors with a fresh rotation of probe-from's and refits through {@code writer}; every node
     * must then translate with the new rotation (a node serving the previous translator would land near-orthogonal to it).
     */
    private void assertEveryNodeUsesARefitThrough(ElasticsearchCluster cluster, int writer, String state) {
        double[][] rotation = SyntheticAnchors.rotation(DIMS, random);
        float[][] rotated = new float[ANCHORS][];
        for (int i = 0; i < ANCHORS; i++) {
            rotated[i] = SyntheticAnchors.rotate(probeSource[i], rotation, 1);
        }
        EsHttp es = cluster.http(writer);
        String where = state + ", refit through node " + writer + " (" + cluster.node(writer).line().version() + ")";
        es.post("_latent/model/probe-to/_anchors", Map.of("ids", ids(0, ANCHORS), "vectors", rows(rotated, 0, ANCHORS))).ok();
        es.put("_latent/translator/probe-from/probe-to", Map.of("method", "orthogonal")).ok();
        List<float[]> probes = rows(probeSource, 0, 5);
        JsonNode first = null;
        for (int node = 0; node < NODES; node++) {
            JsonNode vectors = cluster.http(node).post("_latent/_translate", Map.of("from", "probe-from", "to", "probe-to",
                "vectors", probes, "normalize", true)).ok().path("vectors");
            for (int i = 0; i < probes.size(); i++) {
                double cosine = SyntheticAnchors.cosine(vectors.get(i), SyntheticAnchors.rotate(probes.get(i), rotation, 1));
                assertTrue(cosine > 0.99, where + ": node " + node + " translates probe " + i + " at cosine " + cosine
                    + " to the new rotation");
            }
            if (first == null) {
                first = vectors;
            } else {
                UpgradeFixture.assertSameVectors(first, vectors, where + ": node " + node + " against node 0");
            }
        }
    }
}
