package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.latentbridge.it.SyntheticAnchors.ids;
import static org.latentbridge.it.SyntheticAnchors.rows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The anchor store under Elasticsearch security (one node, file-realm users, roles from {@code roles.yml}): writes need
 * {@code cluster:admin/latent/*} (granted by {@code manage}), reads and {@code _translate} need
 * {@code cluster:monitor/latent/*} (granted by {@code monitor}); nobody gets at {@code .latent-bridge} directly through
 * the plugin's system-index access; an import from an index runs with the caller's own index rights.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnchorStoreSecurityIT {
    private static final int DIMS = 8, N = 60;
    private static final String PASSWORD = "secret-password-1";

    private static final String MANAGER = "lb_manager", MONITOR = "lb_monitor", VECS_READER = "vecs_reader", WIDE_READER = "wide_reader",
        IMPORTER = "lb_importer", WIDE_MANAGER = "lb_wide_manager", RAW = "lb_raw";

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("anchor-store-security")
        .nodes(1)
        .security(true)
        .heap("512m")
        .rolesYml("""
            latent_manage:
              cluster: [ "manage" ]
            latent_monitor:
              cluster: [ "monitor" ]
            vecs_read:
              indices:
                - names: [ "vecs*" ]
                  privileges: [ "read" ]
            all_read:
              indices:
                - names: [ "*" ]
                  privileges: [ "read" ]
            latent_manage_secret_read:
              cluster: [ "manage" ]
              indices:
                - names: [ "secret-anchors" ]
                  privileges: [ "read" ]
            latent_manage_all_read:
              cluster: [ "manage" ]
              indices:
                - names: [ "*" ]
                  privileges: [ "read" ]
            latent_raw_actions:
              cluster: [ "cluster:admin/latent/*", "cluster:monitor/latent/*" ]
            """)
        .user("lb_admin", "admin-password-1", "superuser")
        .user(MANAGER, PASSWORD, "latent_manage")
        .user(MONITOR, PASSWORD, "latent_monitor")
        .user(VECS_READER, PASSWORD, "vecs_read")
        .user(WIDE_READER, PASSWORD, "all_read")
        .user(IMPORTER, PASSWORD, "latent_manage_secret_read")
        .user(WIDE_MANAGER, PASSWORD, "latent_manage_all_read")
        .user(RAW, PASSWORD, "latent_raw_actions")
        .build();

    static final float[][] SOURCE = new float[N][DIMS], TARGET = new float[N][DIMS];
    static final double[][] ROTATION = SyntheticAnchors.rotation(DIMS, new Random(17));

    static {
        Random random = new Random(5);
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < DIMS; j++) {
                SOURCE[i][j] = (float) (random.nextGaussian() + 0.3);
            }
            TARGET[i] = SyntheticAnchors.rotate(SOURCE[i], ROTATION, 2);
        }
    }

    static EsHttp as(String user) {
        return CLUSTER.httpAs(user);
    }

    /** A 403 from the security layer, naming the user (and, for cluster actions, the action). */
    static void forbidden(EsResponse r, String user, String action) {
        assertEquals(403, r.status(), r.method() + " " + r.path() + " as " + user + ": " + r.body());
        JsonNode error = r.json().path("error");
        assertEquals("security_exception", error.path("type").asText(), r.body());
        String reason = error.path("reason").asText();
        assertTrue(reason.contains("[" + user + "]"), "reason names the user: " + reason);
        if (action != null) {
            assertTrue(reason.contains("[" + action + "]"), "reason names the action [" + action + "]: " + reason);
        }
    }

    /** What must not change when a write is refused: each model's version and anchor counts, each translator's version. */
    static String snapshot() {
        return describe(CLUSTER.http());
    }

    /** Each model's version and anchor counts, each translator's version and staleness, one per line. */
    static String describe(EsHttp admin) {
        StringBuilder s = new StringBuilder();
        for (JsonNode m : admin.get("_latent/model").ok().path("models")) {
            s.append(m.path("model").asText()).append(" v").append(m.path("version").asLong()).append(' ');
            m.path("roles").properties().forEach(e -> s.append(e.getKey()).append('=').append(e.getValue().path("anchors").asInt())
                .append(' '));
            s.append('\n');
        }
        for (JsonNode t : admin.get("_latent/translator").ok().path("translators")) {
            s.append(t.path("source").asText()).append("->").append(t.path("target").asText()).append(" v").append(t.path("version")
                .asLong()).append(" stale=").append(t.path("stale").asBoolean()).append('\n');
        }
        return s.toString();
    }

    @Test
    @Order(1)
    void aManagerCreatesModelsUploadsAnchorsAndFits() {
        EsHttp es = as(MANAGER);
        assertEquals("created", es.put("_latent/model/src", Map.of("dims", DIMS, "roles", List.of("query", "document"))).ok()
            .path("result").asText());
        assertEquals("created", es.put("_latent/model/tgt", Map.of("dims", DIMS)).ok().path("result").asText());
        assertEquals(N, es.post("_latent/model/src/_anchors", Map.of("role", "query", "ids", ids(0, N), "vectors", rows(SOURCE, 0, N))).ok()
            .path("anchors").asInt());
        assertEquals(N, es.post("_latent/model/tgt/_anchors", Map.of("ids", ids(0, N), "vectors", rows(TARGET, 0, N))).ok()
            .path("anchors").asInt());
        JsonNode fit = es.put("_latent/translator/src/tgt", Map.of("method", "orthogonal", "seed", 1)).ok();
        assertEquals("orthogonal", fit.path("method").asText());
        assertEquals(1, fit.path("version").asLong());
        assertEquals(1.0, fit.path("metrics").path("orthogonal").path("top1").asDouble(), 1e-9, fit.toString());
        JsonNode translated = es.post("_latent/_translate", Map.of("from", "src", "to", "tgt", "vectors", List.of(SOURCE[3]))).ok();
        assertTrue(SyntheticAnchors.cosine(translated.path("vectors").get(0), TARGET[3]) > 0.95, translated.toString());
    }

    @Test
    @Order(2)
    void aMonitorUserReadsAndTranslates() {
        EsHttp es = as(MONITOR);
        JsonNode model = es.get("_latent/model/src").ok();
        assertEquals(N, model.path("roles").path("query").path("anchors").asInt(), model.toString());
        assertEquals(2, es.get("_latent/model").ok().path("models").size());
        JsonNode translator = es.get("_latent/translator/src/tgt").ok();
        assertEquals("orthogonal", translator.path("method").asText(), translator.toString());
        assertEquals(1, es.get("_latent/translator").ok().path("translators").size());
        JsonNode translated = es.post("_latent/_translate", Map.of("from", "src", "to", "tgt", "vectors", List.of(SOURCE[5]))).ok();
        assertTrue(SyntheticAnchors.cosine(translated.path("vectors").get(0), TARGET[5]) > 0.95, translated.toString());
        JsonNode relative = es.post("_latent/_translate", Map.of("from", "src", "to", "_relative", "vectors", List.of(SOURCE[5]))).ok();
        assertEquals(N, relative.path("vectors").get(0).size());
        JsonNode stats = es.get("_latent/_stats").ok();
        assertEquals(1, stats.path("nodes").size(), stats.toString());
        assertTrue(stats.path("nodes").elements().next().path("translations").path("count").asLong() >= 2, stats.toString());
    }

    @Test
    @Order(3)
    void aMonitorUserCannotWriteAndNothingChanges() {
        String before = snapshot();
        EsHttp es = as(MONITOR);
        forbidden(es.put("_latent/model/new-model", Map.of("dims", DIMS)), MONITOR, "cluster:admin/latent/model/put");
        forbidden(es.put("_latent/model/src", Map.of("dims", DIMS, "description", "hijacked", "roles", List.of("query", "document"))),
            MONITOR, "cluster:admin/latent/model/put");
        forbidden(es.post("_latent/model/tgt/_anchors", Map.of("ids", List.of("a0"), "vectors", List.of(SOURCE[0]))), MONITOR,
            "cluster:admin/latent/anchors/put");
        forbidden(es.put("_latent/translator/src/tgt", Map.of("method", "linear")), MONITOR, "cluster:admin/latent/translator/put");
        forbidden(es.delete("_latent/translator/src/tgt"), MONITOR, "cluster:admin/latent/translator/delete");
        forbidden(es.delete("_latent/model/tgt"), MONITOR, "cluster:admin/latent/model/delete");
        forbidden(es.delete("_latent/model/tgt?force=true"), MONITOR, "cluster:admin/latent/model/delete");
        // nor can it reach the system index behind the plugin's back
        forbidden(es.get(".latent-bridge/_search"), MONITOR, null);

        assertEquals(before, snapshot());
        CLUSTER.http().get("_latent/model/new-model").expectStatus(404);
        assertFalse(CLUSTER.http().get("_latent/model/src").ok().has("description"), "the description was not written");
        assertEquals("orthogonal", CLUSTER.http().get("_latent/translator/src/tgt").ok().path("method").asText());
    }

    @Test
    @Order(4)
    void aMonitorUserCannotFitAsABackgroundTaskEither() {
        String before = snapshot();
        EsHttp es = as(MONITOR);
        EsResponse r = es.put("_latent/translator/src/tgt?wait_for_completion=false", Map.of("method", "linear"));
        System.out.println("[security-it] background fit as " + MONITOR + ": HTTP " + r.status() + " " + r.body());
        // As with Elasticsearch's own _reindex?wait_for_completion=false, the task is registered before the security
        // filter runs: the caller gets a task id, and the refusal is the task's stored result.
        JsonNode accepted = r.ok();
        String task = accepted.path("task").asText();
        assertTrue(task.contains(":"), r.body());
        EsResponse result = es.get("_tasks/" + task + "?wait_for_completion=true&timeout=30s");
        System.out.println("[security-it] task result: HTTP " + result.status() + " " + result.body());
        JsonNode done = result.ok();
        assertTrue(done.path("completed").asBoolean(), done.toString());
        assertEquals("security_exception", done.path("error").path("type").asText(), done.toString());
        assertTrue(done.path("error").path("reason").asText().contains("[cluster:admin/latent/translator/put]"), done.toString());
        assertEquals(before, snapshot());
    }

    @Test
    @Order(5)
    void usersWithoutLatentPrivilegesCannotUseTheApi() {
        EsHttp es = as(VECS_READER);
        forbidden(es.get("_latent/model/src"), VECS_READER, "cluster:monitor/latent/model/get");
        forbidden(es.post("_latent/_translate", Map.of("from", "src", "to", "tgt", "vectors", List.of(SOURCE[0]))), VECS_READER,
            "cluster:monitor/latent/translate");
        forbidden(es.put("_latent/model/vecs-model", Map.of("dims", DIMS)), VECS_READER, "cluster:admin/latent/model/put");
    }

    @Test
    @Order(6)
    void indexReadersCannotReadTheSystemIndexDirectly() {
        EsHttp admin = CLUSTER.http();
        admin.put("vecs-1/_doc/1?refresh=true", Map.of("title", "a vector document")).expectStatus(201);

        EsHttp vecs = as(VECS_READER);
        assertEquals(1, vecs.get("vecs-1/_search").ok().path("hits").path("total").path("value").asInt(), "reads its own index");
        // .latent-bridge is a restricted (system) index: an explicit name the role does not cover is refused outright.
        forbidden(vecs.get(".latent-bridge/_search"), VECS_READER, null);
        forbidden(vecs.get(".latent-bridge/_search?expand_wildcards=all"), VECS_READER, null);
        forbidden(vecs.get(".latent-bridge/_doc/model:src"), VECS_READER, null);
        // a wildcard expands only to indices the user may read: the system index never shows up
        JsonNode wildcard = vecs.get(".latent-bridge*/_search?expand_wildcards=all&allow_no_indices=true").ok();
        assertEquals(0, wildcard.path("hits").path("total").path("value").asInt(), wildcard.toString());

        // read on every index ('*') still excludes restricted indices unless the role says allow_restricted_indices
        EsHttp wide = as(WIDE_READER);
        forbidden(wide.get(".latent-bridge/_search"), WIDE_READER, null);
        JsonNode all = wide.get("*/_search?expand_wildcards=all&size=100").ok();
        for (JsonNode hit : all.path("hits").path("hits")) {
            assertFalse(hit.path("_index").asText().startsWith(".latent-bridge"), "system index leaked: " + hit);
        }
        assertTrue(all.path("hits").path("total").path("value").asInt() >= 1, "the user's own documents are found: " + all);

        // the system index does exist and hold the models: the superuser (read on restricted indices) sees them
        JsonNode system = admin.get(".latent-bridge/_search?q=type:model").ok();
        assertEquals(2, system.path("hits").path("total").path("value").asInt(), system.toString());
    }

    @Test
    @Order(7)
    void importingFromAnIndexNeedsReadOnThatIndex() {
        EsHttp admin = CLUSTER.http();
        admin.put("secret-anchors", Map.of("mappings", Map.of("properties", Map.of(
            "emb", Map.of("type", "dense_vector", "dims", DIMS, "index", false),
            "anchor_id", Map.of("type", "keyword"))))).ok();
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < N; i++) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("anchor_id", "a" + i);
            doc.put("emb", TARGET[i]);
            try {
                bulk.append("{\"index\":{\"_index\":\"secret-anchors\"}}\n").append(EsHttp.JSON.writeValueAsString(doc)).append('\n');
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        assertFalse(admin.post("_bulk?refresh=true", bulk.toString()).ok().path("errors").asBoolean());

        EsHttp manager = as(MANAGER);
        manager.put("_latent/model/imp", Map.of("dims", DIMS)).ok();
        manager.post("_latent/model/imp/_anchors", Map.of("ids", ids(0, 10), "vectors", rows(SOURCE, 0, 10))).ok();
        forbidden(manager.get("secret-anchors/_search"), MANAGER, null); // the premise: manage gives no index access
        String before = snapshot();
        long version = admin.get("_latent/model/imp").ok().path("version").asLong();

        Map<String, Object> importBody = Map.of("role", "document", "source", Map.of("index", "secret-anchors", "field", "emb", "id_field",
            "anchor_id"));
        EsResponse denied = manager.post("_latent/model/imp/_anchors", importBody);
        forbidden(denied, MANAGER, "indices:data/read/search");
        assertTrue(denied.body().contains("secret-anchors"), "names the index: " + denied.body());
        JsonNode imp = admin.get("_latent/model/imp").ok();
        assertEquals(10, imp.path("roles").path("document").path("anchors").asInt(), "anchors unchanged: " + imp);
        assertEquals(version, imp.path("version").asLong(), "version unchanged: " + imp);
        assertEquals(before, snapshot());

        // a raw-privilege user may write models, but not read someone else's index either
        forbidden(as(RAW).post("_latent/model/imp/_anchors", importBody), RAW, "indices:data/read/search");
        assertEquals(before, snapshot());

        // read on '*' does not cover the system index: the plugin must not lend its own access to an import from it
        forbidden(as(WIDE_MANAGER).post("_latent/model/imp/_anchors", Map.of("source", Map.of("index", ".latent-bridge", "field", "blob",
            "id_field", "model"))), WIDE_MANAGER, "indices:data/read/search");
        assertEquals(before, snapshot());

        JsonNode imported = as(IMPORTER).post("_latent/model/imp/_anchors", importBody).ok();
        assertEquals(N, imported.path("anchors").asInt(), imported.toString());
        assertEquals(N - 10, imported.path("added").asInt(), imported.toString());
        assertEquals(10, imported.path("replaced").asInt(), imported.toString());
        assertEquals(N, admin.get("_latent/model/imp").ok().path("roles").path("document").path("anchors").asInt());
        // the imported vectors are the index's: src -> imp fits the rotation exactly
        JsonNode fit = as(IMPORTER).put("_latent/translator/src/imp", Map.of("method", "orthogonal")).ok();
        assertEquals(1.0, fit.path("metrics").path("orthogonal").path("top1").asDouble(), 1e-9, fit.toString());
    }

    @Test
    @Order(8)
    void rawActionPrivilegesAreEnoughToWriteAndRead() {
        EsHttp es = as(RAW);
        assertEquals("created", es.put("_latent/model/raw", Map.of("dims", DIMS, "roles", List.of("query"))).ok().path("result").asText());
        assertEquals(N, es.post("_latent/model/raw/_anchors", Map.of("role", "query", "ids", ids(0, N), "vectors", rows(SOURCE, 0, N))).ok()
            .path("anchors").asInt());
        JsonNode fit = es.put("_latent/translator/raw/tgt", Map.of("method", "orthogonal")).ok();
        assertEquals(1.0, fit.path("metrics").path("orthogonal").path("top1").asDouble(), 1e-9, fit.toString());
        assertEquals("orthogonal", es.get("_latent/translator/raw/tgt").ok().path("method").asText());
        JsonNode translated = es.post("_latent/_translate", Map.of("from", "raw", "to", "tgt", "vectors", List.of(SOURCE[9]))).ok();
        assertTrue(SyntheticAnchors.cosine(translated.path("vectors").get(0), TARGET[9]) > 0.95, translated.toString());
        assertEquals(1, es.get("_latent/_stats").ok().path("nodes").size());
        es.delete("_latent/translator/raw/tgt").ok();
        es.delete("_latent/model/raw").ok();
        es.get("_latent/model/raw").expectStatus(404);
        // cluster:admin/latent/* is not manage: other cluster writes stay refused
        forbidden(es.put("_cluster/settings", Map.of("persistent", Map.of("cluster.routing.allocation.enable", "all"))), RAW,
            "cluster:admin/settings/update");
    }

    @Test
    @Order(8)
    void aUserWhoMayOnlyReadTheIndexSearchesItWithLatentKnn() throws Exception {
        EsHttp admin = CLUSTER.http();
        admin.put("vecs-docs", Map.of("mappings", Map.of("properties", Map.of("emb", Map.of("type", "dense_vector", "dims", DIMS,
            "index_options", Map.of("type", "hnsw"), "meta", Map.of("latent_model", "tgt")))))).ok();
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < N; i++) {
            bulk.append("{\"index\":{\"_index\":\"vecs-docs\",\"_id\":\"d").append(i).append("\"}}\n");
            bulk.append(EsHttp.JSON.writeValueAsString(Map.of("emb", TARGET[i]))).append('\n');
        }
        admin.post("_bulk?refresh=true", bulk.toString()).ok();
        EsHttp reader = as(VECS_READER);
        JsonNode hits = reader.post("vecs-docs/_search", Map.of("query", Map.of("latent_knn", Map.of("field", "emb",
            "query_vector", SOURCE[5], "model", "src", "k", 3)))).ok().path("hits").path("hits");
        assertEquals("d5", hits.get(0).path("_id").asText(), hits.toString());
        JsonNode knn = reader.post("vecs-docs/_search", Map.of("knn", Map.of("field", "emb", "k", 3, "num_candidates", 20,
            "query_vector_builder", Map.of("latent_translation", Map.of("vector", SOURCE[6], "model", "src", "target_model", "tgt")))))
            .ok().path("hits").path("hits");
        assertEquals("d6", knn.get(0).path("_id").asText(), knn.toString());
        // the translation ran as the plugin, not as this user, who still may not call the API itself
        forbidden(reader.post("_latent/_translate", Map.of("from", "src", "to", "tgt", "vectors", List.of(SOURCE[5]))), VECS_READER,
            "cluster:monitor/latent/translate");
    }

    @Test
    @Order(9)
    void aManagerDeletesTranslatorsAndModels() {
        EsHttp es = as(MANAGER);
        es.delete("_latent/translator/src/tgt").ok();
        es.get("_latent/translator/src/tgt").expectStatus(404);
        JsonNode deleted = es.delete("_latent/model/imp?force=true").ok();
        assertEquals(1, deleted.path("deleted_translators").size(), deleted.toString());
        es.delete("_latent/model/tgt").ok();
        es.get("_latent/model/tgt").expectStatus(404);
        assertEquals(1, as(MONITOR).get("_latent/model").ok().path("models").size());
    }
}
