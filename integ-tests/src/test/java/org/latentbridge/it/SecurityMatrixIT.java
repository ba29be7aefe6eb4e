package org.latentbridge.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latentbridge.it.SyntheticAnchors.ids;
import static org.latentbridge.it.SyntheticAnchors.rows;

/**
 * Every endpoint, the query, the query vector builder and both processors against six users (superuser, {@code manage},
 * {@code monitor}, a custom role with only {@code cluster:admin/latent/*}, read on one index, no rights): each cell's
 * status is asserted, and a refused write changes nothing. Each user writes to names of its own, so cells do not depend on
 * each other's order.
 */
class SecurityMatrixIT {
    private static final int DIMS = 4, N = 20;
    private static final String PASSWORD = "matrix-password-1";
    private static final String SUPER = "m_super", MANAGE = "m_manage", MONITOR = "m_monitor", LATENT_ADMIN = "m_latent_admin",
        READER = "m_reader", NOBODY = "m_nobody";
    private static final List<String> USERS = List.of(SUPER, MANAGE, MONITOR, LATENT_ADMIN, READER, NOBODY);

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("security-matrix").nodes(1).security(true).heap("512m")
        .rolesYml("""
            m_manage:
              cluster: [ "manage" ]
            m_monitor:
              cluster: [ "monitor" ]
            m_latent_admin:
              cluster: [ "cluster:admin/latent/*" ]
            m_reader:
              indices:
                - names: [ "docs" ]
                  privileges: [ "read" ]
            m_nothing:
              cluster: [ ]
            """)
        .user(SUPER, PASSWORD, "superuser")
        .user(MANAGE, PASSWORD, "m_manage")
        .user(MONITOR, PASSWORD, "m_monitor")
        .user(LATENT_ADMIN, PASSWORD, "m_latent_admin")
        .user(READER, PASSWORD, "m_reader")
        .user(NOBODY, PASSWORD, "m_nothing")
        .build();

    private static final float[][] SOURCE = new float[N][DIMS], TARGET = new float[N][DIMS];

    static {
        Random random = new Random(11);
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < DIMS; j++) {
                SOURCE[i][j] = (float) random.nextGaussian();
                TARGET[i][(j + 1) % DIMS] = SOURCE[i][j];
            }
        }
    }

    /** One row of the matrix: what a user does, and who may. */
    private record Operation(String name, BiFunction<EsHttp, String, EsResponse> call, Set<String> allowed, Map<String, Integer> special) {
        Operation(String name, BiFunction<EsHttp, String, EsResponse> call, Set<String> allowed) {
            this(name, call, allowed, Map.of());
        }
    }

    @BeforeAll
    static void fixture() {
        EsHttp admin = CLUSTER.http();
        createPair(admin, "m", "t");
        for (String user : USERS) {
            createPair(admin, "del-" + user, "delt-" + user);
            admin.put("_latent/model/gone-" + user, Map.of("dims", DIMS)).ok();
        }
        admin.put("docs", Map.of("settings", Map.of("number_of_replicas", 0), "mappings", Map.of("properties", Map.of("emb", Map.of("type",
            "dense_vector", "dims", DIMS, "similarity", "cosine", "meta", Map.of("latent_model", "t")), "src", Map.of(
            "type", "dense_vector", "dims", DIMS), "aid", Map.of("type", "keyword"), "v", Map.of("type", "float", "index", false))))).ok();
        for (int i = 0; i < 5; i++) {
            admin.put("docs/_doc/d" + i, Map.of("emb", TARGET[i], "src", SOURCE[i], "aid", "x" + i)).expectStatus(201);
        }
        admin.put("secret", Map.of("settings", Map.of("number_of_replicas", 0), "mappings", Map.of("properties", Map.of(
            "emb", Map.of("type", "dense_vector", "dims", DIMS, "similarity", "cosine", "meta", Map.of("latent_model", "t")))))).ok();
        admin.put("secret/_doc/s1", Map.of("emb", TARGET[1])).expectStatus(201);
        admin.post("docs,secret/_refresh", null).ok();
        admin.put("_ingest/pipeline/ok", Map.of("processors", List.of(Map.of("latent_translate", Map.of("field", "v", "from", "m",
            "to", "t", "target_field", "emb"))))).ok();
    }

    private static void createPair(EsHttp admin, String source, String target) {
        admin.put("_latent/model/" + source, Map.of("dims", DIMS, "roles", List.of("query", "document"))).ok();
        admin.put("_latent/model/" + target, Map.of("dims", DIMS)).ok();
        for (String role : List.of("query", "document")) {
            admin.post("_latent/model/" + source + "/_anchors", Map.of("role", role, "ids", ids(0, N), "vectors", rows(SOURCE, 0, N))).ok();
        }
        admin.post("_latent/model/" + target + "/_anchors", Map.of("ids", ids(0, N), "vectors", rows(TARGET, 0, N))).ok();
        admin.put("_latent/translator/" + source + "/" + target, Map.of()).ok();
        admin.put("_latent/translator/" + source + "/" + target, Map.of("source_role", "document")).ok();
    }

    private static List<Operation> operations() {
        Set<String> writers = Set.of(SUPER, MANAGE, LATENT_ADMIN), readers = Set.of(SUPER, MANAGE, MONITOR), indexReaders = Set.of(SUPER,
            READER), pipelineAdmins = Set.of(SUPER, MANAGE), superOnly = Set.of(SUPER);
        List<Operation> ops = new ArrayList<>();
        ops.add(new Operation("PUT /_latent/model", (es, u) -> es.put("_latent/model/new-" + u, Map.of("dims", DIMS)), writers));
        ops.add(new Operation("POST /_latent/model/m/_anchors", (es, u) -> es.post("_latent/model/t/_anchors",
            Map.of("ids", List.of("u-" + u), "vectors", List.of(TARGET[0]))), writers));
        // writers without read on docs are refused
        ops.add(new Operation("POST /_latent/model/m/_anchors from an index", (es, u) -> es.post("_latent/model/t/_anchors", Map.of(
            "source", Map.of("index", "docs", "field", "emb", "id_field", "aid"))), superOnly));
        ops.add(new Operation("POST /_latent/model/m/_anchors from .latent-bridge", (es, u) -> es.post("_latent/model/t/_anchors", Map.of(
            "source", Map.of("index", ".latent-bridge", "field", "emb", "id_field", "aid"))), Set.of(), Map.of(SUPER, 400)));
        // the superuser may read .latent-bridge, but it holds no such vectors: a 400, and nobody else gets that far
        ops.add(new Operation("PUT /_latent/translator", (es, u) -> es.put("_latent/translator/m/t", Map.of("method", "orthogonal")),
            writers));
        // calibration searches docs with the caller's rights: fitting translators is not enough
        ops.add(new Operation("PUT /_latent/translator calibrated on docs", (es, u) -> es.put("_latent/translator/m/t", Map.of("method",
            "orthogonal", "calibration", calibration())), superOnly));
        ops.add(new Operation("GET /_latent/model/m", (es, u) -> es.get("_latent/model/m"), readers));
        ops.add(new Operation("GET /_latent/model", (es, u) -> es.get("_latent/model"), readers));
        ops.add(new Operation("GET /_latent/translator/m/t", (es, u) -> es.get("_latent/translator/m/t"), readers));
        ops.add(new Operation("GET /_latent/translator", (es, u) -> es.get("_latent/translator"), readers));
        ops.add(new Operation("POST /_latent/_translate", (es, u) -> es.post("_latent/_translate", Map.of("from", "m", "to", "t", "vectors",
            List.of(SOURCE[0]))), readers));
        ops.add(new Operation("POST /_latent/_translate to _relative", (es, u) -> es.post("_latent/_translate", Map.of("from", "m", "to",
            "_relative", "vectors", List.of(SOURCE[0]))), readers));
        ops.add(new Operation("GET /_latent/_stats", (es, u) -> es.get("_latent/_stats"), readers));
        ops.add(new Operation("DELETE /_latent/translator", (es, u) -> es.delete("_latent/translator/del-" + u + "/delt-" + u), writers));
        ops.add(new Operation("DELETE /_latent/model", (es, u) -> es.delete("_latent/model/gone-" + u), writers));
        ops.add(new Operation("latent_knn on docs", (es, u) -> es.post("docs/_search", Map.of("query", Map.of("latent_knn", Map.of("field",
            "emb", "query_vector", SOURCE[1], "model", "m", "k", 3)))), indexReaders));
        ops.add(new Operation("latent_knn on secret", (es, u) -> es.post("secret/_search", Map.of("query", Map.of(
            "latent_knn", Map.of("field", "emb", "query_vector", SOURCE[1], "model", "m", "k", 3)))), superOnly));
        ops.add(new Operation("knn + latent_translation on docs", (es, u) -> es.post("docs/_search", Map.of("knn", Map.of("field", "emb",
            "k", 3, "num_candidates", 10, "query_vector_builder", Map.of("latent_translation", Map.of("vector", SOURCE[1], "model", "m",
                "target_model", "t"))))), indexReaders));
        ops.add(new Operation("PUT pipeline with latent_translate", (es, u) -> es.put("_ingest/pipeline/t-" + u, Map.of(
            "processors", List.of(Map.of("latent_translate", Map.of("field", "v", "from", "m", "to", "t"))))), pipelineAdmins));
        ops.add(new Operation("PUT pipeline with latent_relative", (es, u) -> es.put("_ingest/pipeline/r-" + u, Map.of(
            "processors", List.of(Map.of("latent_relative", Map.of("field", "v", "model", "m"))))), pipelineAdmins));
        ops.add(new Operation("index through latent_translate", (es, u) -> es.put("docs/_doc/p-" + u + "?pipeline=ok", Map.of(
            "v", SOURCE[2])), superOnly));
        ops.add(new Operation("_simulate latent_relative", (es, u) -> es.post("_ingest/pipeline/_simulate", Map.of("pipeline", Map.of(
            "processors", List.of(Map.of("latent_relative", Map.of("field", "v", "model", "m")))), "docs", List.of(Map.of("_source", Map.of(
            "v", SOURCE[3]))))), pipelineAdmins));
        ops.add(new Operation("GET .latent-bridge/_search", (es, u) -> es.get(".latent-bridge/_search"), superOnly));
        return ops;
    }

    /** 20 labelled pairs over the five documents of docs: source vectors and the ids of their targets. */
    private static Map<String, Object> calibration() {
        List<Object> pairs = new ArrayList<>();
        for (int p = 0; p < 20; p++) {
            pairs.add(Map.of("query_vector", SOURCE[p % 5], "relevant", List.of("d" + (p % 5))));
        }
        return Map.of("index", "docs", "field", "emb", "k", 3, "pairs", pairs);
    }

    @Test
    void eachCellOfTheMatrixHasItsStatus() {
        String before = AnchorStoreSecurityIT.describe(CLUSTER.http());
        Map<String, String> rows = new LinkedHashMap<>();
        List<String> wrong = new ArrayList<>();
        for (Operation op : operations()) {
            StringBuilder row = new StringBuilder();
            for (String user : USERS) {
                EsResponse r = op.call().apply(CLUSTER.httpAs(user), user);
                boolean allowed = op.allowed().contains(user);
                Integer special = op.special().get(user);
                boolean ok = special != null ? r.status() == special : allowed ? r.status() < 300 : r.status() == 403
                    && "security_exception".equals(r.json().path("error").path("type").asText());
                row.append(String.format(Locale.ROOT, " %5d", r.status()));
                if (ok == false) {
                    wrong.add(op.name() + " as " + user + ": expected "
                        + (special != null ? special : allowed ? "2xx" : "403 security_exception") + ", got " + r.status() + " "
                        + abbreviate(r.body()));
                }
            }
            rows.put(op.name(), row.toString());
        }
        System.out.println(String.format(Locale.ROOT, "[security-matrix] %-52s %s", "operation", String.join(" ", USERS)));
        rows.forEach((name, row) -> System.out.println(String.format(Locale.ROOT, "[security-matrix] %-52s%s", name, row)));
        assertTrue(wrong.isEmpty(), wrong.size() + " cells are wrong:\n" + String.join("\n", wrong));
        // the refused users changed nothing: compare with what the allowed users were expected to change
        String after = AnchorStoreSecurityIT.describe(CLUSTER.http());
        for (String user : List.of(MONITOR, READER, NOBODY)) {
            assertTrue(after.contains("new-" + user) == false && after.contains("gone-" + user) && after.contains("del-" + user + "->"),
                user + " changed the store:\n" + after);
        }
        for (String user : List.of(SUPER, MANAGE, LATENT_ADMIN)) {
            assertTrue(after.contains("new-" + user) && after.contains("gone-" + user) == false, user + "'s writes:\n" + after);
        }
        assertEquals(true, before.contains("gone-" + NOBODY));
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 240 ? s.substring(0, 240) + "..." : s;
    }
}
