package org.latentbridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of bad input is refused with a 4xx in Elasticsearch's error format, a message naming the problem, and
 * nothing stored.
 */
class AnchorStoreBadInputIT {
    private static final int DIMS = 4;

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("anchor-store-bad-input").nodes(1)
        .setting("http.max_content_length", "50mb").build();

    @BeforeAll
    static void twoModels() {
        EsHttp es = CLUSTER.http();
        es.put("_latent/model/a", Map.of("dims", DIMS, "roles", List.of("query", "document"))).ok();
        es.put("_latent/model/b", Map.of("dims", DIMS)).ok();
        List<String> ids = new ArrayList<>();
        List<float[]> va = new ArrayList<>(), vb = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add("x" + i);
            va.add(new float[] {i + 1, 1, 2, 3});
            vb.add(new float[] {3, i + 1, 2, 1});
        }
        es.post("_latent/model/a/_anchors", Map.of("ids", ids, "vectors", va)).ok();
        es.post("_latent/model/b/_anchors", Map.of("ids", ids, "vectors", vb)).ok();
    }

    /** The request fails with {@code status}, an error {@code type}, and a reason containing {@code fragment}. */
    private static JsonNode refused(EsResponse r, int status, String type, String fragment) {
        r.expectStatus(status);
        JsonNode error = r.json().path("error");
        assertEquals(type, error.path("type").asText(), r.body());
        // a body that fails to parse names the field in its reason and says why in its cause
        String reasons = error.path("reason").asText() + " / " + error.path("caused_by").path("reason").asText();
        assertTrue(reasons.contains(fragment), "reason [" + reasons + "] lacks [" + fragment + "]");
        assertEquals(status, r.json().path("status").asInt());
        return error;
    }

    private static void anchorsUnchanged() {
        JsonNode a = CLUSTER.http().get("_latent/model/a").ok();
        assertEquals(5, a.path("roles").path("document").path("anchors").asInt(), "nothing stored: " + a);
    }

    @Test
    void unknownModelsAndRolesAre404() {
        EsHttp es = CLUSTER.http();
        refused(es.get("_latent/model/nope"), 404, "resource_not_found_exception", "latent model [nope] not found");
        refused(es.post("_latent/model/nope/_anchors", Map.of("ids", List.of("x"), "vectors", List.of(new float[DIMS]))), 404,
            "resource_not_found_exception", "[nope]");
        refused(es.put("_latent/translator/a/nope", Map.of()), 404, "resource_not_found_exception", "[nope]");
        refused(es.post("_latent/_translate", Map.of("from", "nope", "to", "a", "vectors", List.of(new float[] {1, 2, 3, 4}))), 404,
            "resource_not_found_exception", "[nope]");
        refused(es.post("_latent/_translate", Map.of("from", "a", "to", "b", "vectors", List.of(new float[] {1, 2, 3, 4}))), 404,
            "resource_not_found_exception", "PUT /_latent/translator/a/b");
        refused(es.delete("_latent/translator/a/b"), 404, "resource_not_found_exception", "not found");
        refused(es.post("_latent/model/a/_anchors", Map.of("role", "passage", "ids", List.of("x"), "vectors", List.of(new float[] {1, 2,
            3, 4}))), 400, "illegal_argument_exception", "has no role [passage]");
    }

    @Test
    void badVectorsAreRefusedByPosition() {
        EsHttp es = CLUSTER.http();
        refused(es.post("_latent/model/a/_anchors", Map.of("ids", List.of("y0", "y1"), "vectors", List.of(new float[] {1, 2, 3, 4},
            new float[] {1, 2, 3}))), 400, "illegal_argument_exception", "[vectors][1] has wrong dimensions: expected [4] but got [3]");
        refused(es.post("_latent/model/a/_anchors", "{\"ids\":[\"y0\"],\"vectors\":[[1,2,\"three\",4]]}"), 400,
            "illegal_argument_exception", "[vectors][0][2] must be a number");
        refused(es.post("_latent/model/a/_anchors", "{\"ids\":[\"y0\"],\"vectors\":[[1,2,1e60,4]]}"), 400, "illegal_argument_exception",
            "[vectors][0][2] must be a finite number");
        refused(es.post("_latent/model/a/_anchors", "{\"ids\":[\"y0\"],\"vectors\":[[1,2,3,4],5]}"), 400, "illegal_argument_exception",
            "[vectors][1] must be an array of numbers or a base64 string");
        refused(es.post("_latent/model/a/_anchors", Map.of("ids", List.of("y0"), "vectors", List.of("AAAA"))), 400,
            "illegal_argument_exception", "[vectors][0] base64 must decode to little-endian float32 values, got [3] bytes");
        refused(es.post("_latent/model/a/_anchors", Map.of("ids", List.of("y0"), "vectors", List.of("AAAAAAAAAAA="))), 400,
            "illegal_argument_exception", "[vectors][0] has wrong dimensions: expected [4] but got [2]");
        refused(es.post("_latent/model/a/_anchors", Map.of("ids", List.of("y0"), "vectors", List.of(new float[] {0, 0, 0, 0}))), 400,
            "illegal_argument_exception", "zero vector");
        anchorsUnchanged();
    }

    @Test
    void badIdListsAreRefused() {
        EsHttp es = CLUSTER.http();
        refused(es.post("_latent/model/a/_anchors", Map.of("ids", List.of("y0", "y1"), "vectors", List.of(new float[] {1, 2, 3, 4}))), 400,
            "illegal_argument_exception", "[ids] and [vectors] must have the same length, got [2] ids and [1] vectors");
        refused(es.post("_latent/model/a/_anchors", Map.of("ids", List.of("y0", "y0"), "vectors", List.of(new float[] {1, 2, 3, 4},
            new float[] {4, 3, 2, 1}))), 400, "illegal_argument_exception", "duplicate id [y0]");
        refused(es.post("_latent/model/a/_anchors", Map.of("ids", List.of(), "vectors", List.of())), 400, "illegal_argument_exception",
            "[ids] must not be empty");
        refused(es.post("_latent/model/a/_anchors", Map.of("vectors", List.of(new float[] {1, 2, 3, 4}))), 400,
            "illegal_argument_exception", "[ids] is required");
        refused(es.post("_latent/model/a/_anchors", Map.of("ids", List.of("y0"), "vectors", List.of(new float[] {1, 2, 3, 4}), "colour",
            "red")), 400, "illegal_argument_exception", "unknown field [colour]");
        anchorsUnchanged();
    }

    @Test
    void badModelDefinitionsAreRefused() {
        EsHttp es = CLUSTER.http();
        refused(es.put("_latent/model/c", Map.of()), 400, "illegal_argument_exception", "Required [dims]");
        refused(es.put("_latent/model/c", Map.of("dims", 0)), 400, "action_request_validation_exception",
            "[dims] must be within [1, 4096]");
        refused(es.put("_latent/model/_c", Map.of("dims", 4)), 400, "action_request_validation_exception", "[model] must be");
        refused(es.put("_latent/model/c", Map.of("dims", 4, "roles", List.of("q", "q"))), 400, "action_request_validation_exception",
            "duplicates");
        refused(es.put("_latent/model/a", Map.of("dims", 8)), 409, "status_exception", "exists with [4] dims");
        es.get("_latent/model/c").expectStatus(404);
    }

    @Test
    void badFitsAreRefusedAndStoreNothing() {
        EsHttp es = CLUSTER.http();
        refused(es.put("_latent/translator/a/b", Map.of("method", "magic")), 400, "x_content_parse_exception",
            "[method] [magic] is not a fit method");
        refused(es.put("_latent/translator/a/b", Map.of("holdout", 0.7)), 400, "action_request_validation_exception",
            "[holdout] must be in (0, 0.5]");
        refused(es.put("_latent/translator/a/b", Map.of("holdout", 0)), 400, "action_request_validation_exception", "[holdout]");
        refused(es.put("_latent/translator/a/b", Map.of()), 400, "illegal_argument_exception",
            "latent model [a] has no anchors for role [query]");
        refused(es.put("_latent/translator/a/b", Map.of("source_role", "document")), 400, "illegal_argument_exception",
            "share [5] anchors; a translator needs at least [10]");
        refused(es.put("_latent/translator/a/b", Map.of("min_quality", Map.of("top3", 0.5))), 400, "action_request_validation_exception",
            "top3");
        es.get("_latent/translator/a/b").expectStatus(404);
    }

    @Test
    void translateRefusesBadVectors() {
        EsHttp es = CLUSTER.http();
        refused(es.post("_latent/_translate", Map.of("from", "a", "to", "_relative", "vectors", List.of(new float[] {1, 2}))), 400,
            "illegal_argument_exception", "[vectors][0] has wrong dimensions: expected [4] but got [2]");
        refused(es.post("_latent/_translate", Map.of("to", "_relative", "vectors", List.of(new float[] {1, 2, 3, 4}))), 400,
            "illegal_argument_exception", "[from] is required");
        refused(es.post("_latent/_translate", Map.of("from", "a", "to", "_relative", "vectors", List.of())), 400,
            "illegal_argument_exception", "[vectors] must not be empty");
    }

    @Test
    void malformedJsonIsA400() {
        EsResponse r = CLUSTER.http().post("_latent/model/a/_anchors", "{\"ids\": [");
        assertTrue(r.status() == 400, r.body());
    }

    @Test
    void aBodyOverTheNodesLimitIsRefused() {
        StringBuilder big = new StringBuilder("{\"ids\":[\"z\"],\"vectors\":[[");
        for (int i = 0; i < 30_000_000; i++) {
            big.append("1,");
        }
        big.append("1]]}");
        EsResponse r = CLUSTER.http().post("_latent/model/a/_anchors", big.toString());
        assertEquals(413, r.status(), "http.max_content_length (set to 50mb for this cluster) " + r.body());
    }
}
