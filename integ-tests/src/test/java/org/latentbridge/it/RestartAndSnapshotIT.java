package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.latentbridge.it.SyntheticAnchors.ids;
import static org.latentbridge.it.SyntheticAnchors.rows;

/**
 * Durability on a 3-node cluster: after a full cluster restart every translator translates bit for bit as before, and a
 * snapshot of the plugin's feature state ({@code latent_bridge}) in a filesystem repository brings deleted models and
 * translators back, translating identically.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestartAndSnapshotIT {
    private static final int DIMS = 16, N = 200;
    private static final Path REPO = repositoryDir();

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("restart-snapshot").nodes(3).heap("512m")
        .setting("path.repo", REPO.toString()).build();

    private static final float[][] SOURCE = SyntheticAnchors.gaussian(N, DIMS, 0.3, new Random(41));
    private static final double[][] ROTATION = SyntheticAnchors.rotation(DIMS, new Random(43));
    private static final List<float[]> PROBES = List.of(SyntheticAnchors.gaussian(20, DIMS, 0.1, new Random(47)));
    /** Every translator's output on the probes, as the node printed it (the decimal form round-trips each float exactly). */
    private static Map<String, String> before;

    private static Path repositoryDir() {
        try {
            Path dir = Files.createDirectories(ItEnvironment.workDir().resolve("snapshot-repo-" + ProcessHandle.current().pid()));
            NodeUser.current().own(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @Order(1)
    void translatorsAreStoredAndAnswer() {
        EsHttp es = CLUSTER.http();
        float[][] target = new float[N][];
        for (int i = 0; i < N; i++) {
            target[i] = SyntheticAnchors.rotate(SOURCE[i], ROTATION, 2);
        }
        es.put("_latent/model/s", Map.of("dims", DIMS, "roles", List.of("query", "document"))).ok();
        es.put("_latent/model/t", Map.of("dims", DIMS)).ok();
        for (String role : List.of("query", "document")) {
            es.post("_latent/model/s/_anchors", Map.of("role", role, "ids", ids(0, N), "vectors", rows(SOURCE, 0, N))).ok();
        }
        es.post("_latent/model/t/_anchors", Map.of("ids", ids(0, N), "vectors", rows(target, 0, N))).ok();
        es.put("_latent/translator/s/t", Map.of("method", "affine")).ok();
        es.put("_latent/translator/s/t", Map.of("source_role", "document", "method", "orthogonal")).ok();
        es.put("_latent/translator/t/s", Map.of("method", "linear")).ok();
        before = translations(es);
        assertEquals(before, translations(CLUSTER.http(2)), "every node answers the same");
    }

    @Test
    @Order(2)
    void aFullClusterRestartChangesNoBit() {
        for (int i = 0; i < 3; i++) {
            CLUSTER.stopNode(i);
        }
        CLUSTER.startStoppedNodes();
        CLUSTER.waitForGreen();
        for (int i = 0; i < 3; i++) {
            assertEquals(before, translations(CLUSTER.http(i)), "node " + i + " after the restart");
        }
    }

    @Test
    @Order(3)
    void aSnapshotOfTheFeatureStateRestoresDeletedModelsAndTranslators() {
        EsHttp es = CLUSTER.http();
        es.put("_snapshot/fs", Map.of("type", "fs", "settings", Map.of("location", REPO.toString()))).ok();
        JsonNode snapshot = es.put("_snapshot/fs/latent-1?wait_for_completion=true", Map.of("indices", "-*", "include_global_state", false,
            "feature_states", List.of("latent_bridge"))).ok().path("snapshot");
        assertEquals("SUCCESS", snapshot.path("state").asText(), snapshot.toString());
        assertEquals("latent_bridge", snapshot.path("feature_states").get(0).path("feature_name").asText(), snapshot.toString());

        es.delete("_latent/model/s?force=true").ok();
        es.delete("_latent/model/t?force=true").ok();
        es.get("_latent/model/s").expectStatus(404);
        es.post("_latent/_translate", Map.of("from", "s", "to", "t", "vectors", List.of(PROBES.get(0)))).expectStatus(404);

        JsonNode restored = es.post("_snapshot/fs/latent-1/_restore?wait_for_completion=true", Map.of("indices", "-*",
            "include_global_state", false, "feature_states", List.of("latent_bridge"))).ok();
        assertEquals(0, restored.path("snapshot").path("shards").path("failed").asInt(), restored.toString());
        CLUSTER.waitForGreen();
        for (int i = 0; i < 3; i++) {
            assertEquals(before, translations(CLUSTER.http(i)), "node " + i + " after the restore");
        }
        assertEquals(N, es.get("_latent/model/t").ok().path("roles").path("document").path("anchors").asInt());
    }

    private static Map<String, String> translations(EsHttp es) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("s/query->t", es.post("_latent/_translate", Map.of("from", "s", "to", "t", "vectors", PROBES)).ok().path("vectors")
            .toString());
        out.put("s/document->t", es.post("_latent/_translate", Map.of("from", "s", "to", "t", "role", "document", "vectors", PROBES)).ok()
            .path("vectors").toString());
        out.put("t->s", es.post("_latent/_translate", Map.of("from", "t", "to", "s", "vectors", PROBES)).ok().path("vectors").toString());
        out.put("s relative", es.post("_latent/_translate", Map.of("from", "s", "to", "_relative", "vectors", PROBES.subList(0, 2))).ok()
            .path("vectors").toString());
        return out;
    }
}
