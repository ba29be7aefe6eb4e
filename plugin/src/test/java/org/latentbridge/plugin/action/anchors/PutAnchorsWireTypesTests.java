package org.latentbridge.plugin.action.anchors;

import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.common.Strings;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParseException;
import org.elasticsearch.xcontent.json.JsonXContent;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latentbridge.plugin.action.WireTesting.assertRoundTrip;
import static org.latentbridge.plugin.action.WireTesting.json;
import static org.latentbridge.plugin.action.WireTesting.messages;
import static org.latentbridge.plugin.action.WireTesting.parse;

/** The anchor upload's request and response: parsing, the form checks, the vector checks, wire round trips, equality and JSON. */
class PutAnchorsWireTypesTests {
    private final Random random = new Random(16);

    private static PutAnchorsAction.Request request(String body) throws IOException {
        return parse(body, p -> PutAnchorsAction.Request.parse("m", p));
    }

    private PutAnchorsAction.Request randomRequest() {
        return UploadRequests.randomRequest(random, () -> new PutAnchorsAction.Source("docs" + random.nextInt(3),
            random.nextBoolean() ? "emb" : null, random.nextBoolean() ? "title" : null, random.nextBoolean() ? "emb_b" : null,
            random.nextBoolean() ? random.nextInt(1000) - 10 : null, random.nextBoolean() ? random.nextLong() : null), 0, "a",
            PutAnchorsAction.Request::new);
    }

    private static String base64(float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    @Test
    void parsesAnUploadWithArrayAndBase64Vectors() throws IOException {
        float[] packed = {1.5f, -2, Float.MIN_VALUE, 3.4e38f};
        PutAnchorsAction.Request r = request("{\"role\": \"query\", \"ids\": [\"a\", \"b\"], \"vectors\": [[1, 2.5, -3, 1e-3], \""
            + base64(packed) + "\"]}");
        assertEquals(PutAnchorsAction.Request.upload("m", "query", List.of("a", "b"), new float[][] {{1, 2.5f, -3, 1e-3f}, packed}), r);
        assertArrayEquals(packed, r.vectors()[1]);
        assertNull(r.source());
        assertNull(r.validate());
    }

    @Test
    void parsesAnImportAndTheRoleDefaultsToDocument() throws IOException {
        PutAnchorsAction.Request r = request("{\"source\": {\"index\": \"docs\", \"field\": \"emb\", \"id_field\": \"title\"}}");
        assertEquals(PutAnchorsAction.Request.importFrom("m", "document", new PutAnchorsAction.Source("docs", "emb", "title")), r);
        assertNull(r.ids());
        assertNull(r.vectors());
        assertNull(r.validate());
        assertEquals("document", request("{\"ids\": [\"a\"], \"vectors\": [[1]]}").role());
    }

    @Test
    void parsesTheSamplingOptionsOfAnImport() throws IOException {
        PutAnchorsAction.Request r = request("{\"source\": {\"index\": \"docs\", \"field\": \"emb\", \"id_field\": \"_id\", "
            + "\"paired_field\": \"emb_b\", \"max_anchors\": 100, \"seed\": -7}}");
        assertEquals(new PutAnchorsAction.Source("docs", "emb", "_id", "emb_b", 100, -7L), r.source());
        assertNull(r.validate());
        assertEquals(-7L, r.source().seedOrDefault());
        PutAnchorsAction.Source capOnly = request("{\"source\": {\"index\": \"docs\", \"field\": \"emb\", \"id_field\": \"id\", "
            + "\"max_anchors\": 5}}").source();
        assertEquals(new PutAnchorsAction.Source("docs", "emb", "id", null, 5, null), capOnly);
        assertEquals(0L, capOnly.seedOrDefault(), "a cap alone samples with seed 0, so it is deterministic too");
        PutAnchorsAction.Source pairedOnly = request("{\"source\": {\"index\": \"docs\", \"field\": \"emb\", \"id_field\": \"id\", "
            + "\"paired_field\": \"emb_b\"}}").source();
        assertEquals(new PutAnchorsAction.Source("docs", "emb", "id", "emb_b", null, null), pairedOnly);
        assertEquals(new PutAnchorsAction.Source("docs", "emb", "id"), new PutAnchorsAction.Source("docs", "emb", "id", null, null, null));
        assertEquals(r.source(), assertRoundTrip(r.source(), PutAnchorsAction.Source::read));
        assertEquals(capOnly, assertRoundTrip(capOnly, PutAnchorsAction.Source::read));
    }

    @Test
    void badSamplingOptionsAreRefusedNamingTheField() {
        String head = "{\"source\": {\"index\": \"docs\", \"field\": \"emb\", \"id_field\": \"id\", ";
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put(head + "\"max_anchors\": 0}}", "[source][max_anchors] must be at least [1], got [0]");
        bodies.put(head + "\"max_anchors\": -3}}", "[source][max_anchors] must be at least [1], got [-3]");
        bodies.put(head + "\"max_anchors\": 1.5}}", "[source][max_anchors] must be an integer, got [1.5]");
        bodies.put(head + "\"max_anchors\": \"100\"}}", "[source][max_anchors] must be an integer");
        bodies.put(head + "\"max_anchors\": 3000000000}}", "[source][max_anchors] must be an integer within");
        bodies.put(head + "\"max_anchors\": null}}", "max_anchors");
        bodies.put(head + "\"seed\": 3}}", "[source][seed] chooses which documents a capped import takes: it needs "
            + "[source][max_anchors]");
        bodies.put(head + "\"max_anchors\": 10, \"seed\": 0.5}}", "[source][seed] must be an integer, got [0.5]");
        bodies.put(head + "\"max_anchors\": 10, \"seed\": 1e30}}", "[source][seed] must be an integer");
        bodies.put(head + "\"paired_field\": \" \"}}", "[source][paired_field] must not be blank");
        bodies.put(head + "\"paired_field\": \"emb\"}}", "[source][paired_field] must name the field of the other model's vector, "
            + "not [source][field] again, got [emb] for both");
        bodies.put(head + "\"paired_field\": [\"emb_b\"]}}", "paired_field");
        bodies.put(head + "\"paired_field\": \"emb_*\"}}", "[source][paired_field] must name one field, not a pattern, got [emb_*]");
        bodies.forEach((body, fragment) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> request(body), body);
            assertEquals(IllegalArgumentException.class, e.getClass(), body + ": " + messages(e));
            assertTrue(e.getMessage().contains(fragment), body + ": " + messages(e));
        });
    }

    /**
     * Every refused body is an {@link IllegalArgumentException} itself, not the parser's {@link XContentParseException},
     * with a message naming the field: the endpoint's errors are {@code illegal_argument_exception}s, as clients see them.
     */
    @Test
    void badBodiesAreRefusedNamingTheField() {
        String ids = "\"ids\": [\"a\"]";
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("{\"vectors\": [[1, 2]]}", "[ids] is required (or [source] to import from an index)");
        bodies.put("{" + ids + "}", "[vectors] is required");
        bodies.put("{}", "[ids] is required");
        bodies.put("{\"ids\": [], \"vectors\": []}", "[ids] must not be empty");
        bodies.put("{" + ids + ", \"vectors\": []}", "[vectors] must not be empty");
        bodies.put("{\"ids\": [\"a\", \"b\"], \"vectors\": [[1, 2]]}", "[ids] and [vectors] must have the same length, got [2] ids and "
            + "[1] vectors");
        bodies.put("{" + ids + ", \"vectors\": [[1]], \"source\": {\"index\": \"d\", \"field\": \"f\", \"id_field\": \"i\"}}",
            "[source] imports anchors from an index: do not also send [ids] or [vectors]");
        bodies.put("{\"source\": {\"index\": \"d*\", \"field\": \"f\", \"id_field\": \"i\"}}", "[source][index] must name one index or "
            + "alias (no wildcards, lists, date math, exclusions or remote clusters), got [d*]");
        bodies.put("{\"source\": {\"index\": \"d\"}}", "[source][field] is required");
        bodies.put("{\"source\": {\"index\": \"d\", \"field\": \"f\", \"id_field\": \"i\", \"bogus\": 1}}", "unknown field [bogus]");
        bodies.put("{\"source\": \"docs\"}", "source");
        bodies.put("{" + ids + ", \"vectors\": [[1]], \"colour\": \"red\"}", "unknown field [colour]");
        bodies.put("{\"role\": 1, " + ids + ", \"vectors\": [[1]]}", "role");
        bodies.put("{\"role\": \" \", " + ids + ", \"vectors\": [[1]]}", "[role] must not be blank");
        bodies.put("{\"ids\": \"a\", \"vectors\": [[1]]}", "[ids] must be an array of strings, got the string [a]");
        bodies.put("{\"ids\": [\"a\", 5], \"vectors\": [[1], [2]]}", "[ids][1] must be a string, got the number [5]");
        bodies.put("{" + ids + ", \"vectors\": \"x\"}", "vectors");
        bodies.put("{" + ids + ", \"vectors\": [[1, 2, \"three\", 4]]}", "[vectors][0][2] must be a number, got the string [three]");
        bodies.put("{" + ids + ", \"vectors\": [[1, 2, 1e60, 4]]}", "[vectors][0][2] must be a finite number, got [1e60]");
        bodies.put("{\"ids\": [\"a\", \"b\"], \"vectors\": [[1, 2, 3, 4], 5]}", "[vectors][1] must be an array of numbers or a base64 "
            + "string");
        bodies.put("{" + ids + ", \"vectors\": [\"AAAA\"]}", "[vectors][0] base64 must decode to little-endian float32 values, got [3] "
            + "bytes");
        bodies.put("{" + ids + ", \"vectors\": [\"not base64!\"]}", "[vectors][0] is not valid base64");
        bodies.put("{" + ids + ", \"vectors\": [\"" + base64(1, Float.NaN) + "\"]}", "[vectors][0][1] must be a finite number");
        bodies.put("{" + ids + ", \"vectors\": [[1, null]]}", "[vectors][0][1] must be a number, got null");
        bodies.forEach((body, fragment) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> request(body), body);
            assertEquals(IllegalArgumentException.class, e.getClass(), body + ": " + messages(e));
            assertTrue(e.getMessage().contains(fragment), body + ": " + messages(e));
        });
    }

    @Test
    void bodiesThatAreNotOneObjectAreRefused() {
        for (String body : List.of("[1, 2]", "{\"ids\": [\"a\"], \"vectors\": [[1]]} {\"ids\": []}", "{\"ids\": [")) {
            Exception e = assertThrows(Exception.class, () -> request(body), body);
            assertInstanceOf(IllegalArgumentException.class, e, body + ": " + messages(e));
        }
    }

    @Test
    void validationChecksTheFormOfARequestBuiltInCode() {
        float[][] one = {{1, 2}};
        assertNull(PutAnchorsAction.Request.upload("m", "document", List.of("a"), one).validate());
        Map<PutAnchorsAction.Request, List<String>> invalid = new LinkedHashMap<>();
        invalid.put(new PutAnchorsAction.Request("m", "document", null, null, null), List.of("[ids] is required (or [source] to import "
            + "from an index)", "[vectors] is required"));
        invalid.put(PutAnchorsAction.Request.upload("m", "document", List.of("a", "b"), one), List.of("[ids] and [vectors] must have the "
            + "same length, got [2] ids and [1] vectors"));
        invalid.put(PutAnchorsAction.Request.upload("m", "", List.of(), new float[0][]), List.of("[role] must not be blank",
            "[ids] must not be empty", "[vectors] must not be empty"));
        invalid.put(new PutAnchorsAction.Request("m", "document", List.of("a"), null, new PutAnchorsAction.Source("docs", "emb", "t")),
            List.of("[source] imports anchors from an index: do not also send [ids] or [vectors]"));
        invalid.put(PutAnchorsAction.Request.importFrom("m", "document", new PutAnchorsAction.Source("a,b", "emb", null)), List.of(
            "[source][index] must name one index or alias (no wildcards, lists, date math, exclusions or remote clusters), got [a,b]",
            "[source][id_field] is required"));
        invalid.put(PutAnchorsAction.Request.importFrom("m", "document", new PutAnchorsAction.Source("docs", "emb", "_id", "emb", 0, 4L)),
            List.of("[source][paired_field] must name the field of the other model's vector, not [source][field] again, got [emb] for "
                + "both", "[source][max_anchors] must be at least [1], got [0]"));
        invalid.put(PutAnchorsAction.Request.importFrom("m", "document", new PutAnchorsAction.Source("docs", "emb", "_id", "", null, 4L)),
            List.of("[source][paired_field] must not be blank", "[source][seed] chooses which documents a capped import takes: it needs "
                + "[source][max_anchors]"));
        invalid.forEach((request, expected) -> {
            ActionRequestValidationException e = request.validate();
            assertNotNull(e, request.getDescription());
            assertEquals(expected, e.validationErrors());
        });
    }

    @Test
    void theTransportActionChecksCountAndDimension() {
        float[][] two = {{1, 2, 3}, {4, 5, 6}};
        assertSame(two, TransportPutAnchorsAction.checkVectors(two, 3, 2));
        Map<String, Runnable> refused = new LinkedHashMap<>();
        refused.put("[vectors] holds [2] vectors, more than the node's limit of [1] per request; send several requests",
            () -> TransportPutAnchorsAction.checkVectors(two, 3, 1));
        refused.put("[vectors][1] has wrong dimensions: expected [3] but got [2]",
            () -> TransportPutAnchorsAction.checkVectors(new float[][] {{1, 2, 3}, {1, 2}}, 3, 10));
        refused.forEach((expected, check) -> assertEquals(expected, assertThrows(IllegalArgumentException.class, check::run).getMessage()));
    }

    @Test
    void requestsRoundTripAndCompareByValue() throws IOException {
        for (int i = 0; i < 50; i++) {
            assertRoundTrip(randomRequest(), PutAnchorsAction.Request::new);
        }
        PutAnchorsAction.Request a = PutAnchorsAction.Request.upload("m", "query", List.of("a"), new float[][] {{1, 2}});
        PutAnchorsAction.Request same = PutAnchorsAction.Request.upload("m", "query", List.of("a"), new float[][] {{1, 2}});
        assertEquals(a, same);
        assertEquals(a.hashCode(), same.hashCode());
        PutAnchorsAction.Source source = new PutAnchorsAction.Source("docs", "emb", "title");
        for (PutAnchorsAction.Request other : List.of(
            PutAnchorsAction.Request.upload("m", "query", List.of("a"), new float[][] {{1, 3}}),
            PutAnchorsAction.Request.upload("m", "query", List.of("b"), new float[][] {{1, 2}}),
            PutAnchorsAction.Request.upload("m", "document", List.of("a"), new float[][] {{1, 2}}),
            PutAnchorsAction.Request.upload("n", "query", List.of("a"), new float[][] {{1, 2}}),
            PutAnchorsAction.Request.importFrom("m", "query", source),
            PutAnchorsAction.Request.importFrom("m", "query", new PutAnchorsAction.Source("docs", "emb", "id")),
            PutAnchorsAction.Request.importFrom("m", "query", new PutAnchorsAction.Source("docs", "emb", "title", "emb_b", null, null)),
            PutAnchorsAction.Request.importFrom("m", "query", new PutAnchorsAction.Source("docs", "emb", "title", null, 10, null)),
            PutAnchorsAction.Request.importFrom("m", "query", new PutAnchorsAction.Source("docs", "emb", "title", null, 10, 1L)))) {
            assertNotEquals(a, other, other.getDescription());
        }
        assertNotEquals(PutAnchorsAction.Request.importFrom("m", "query", source), PutAnchorsAction.Request.importFrom("m", "query",
            new PutAnchorsAction.Source("docs", "emb", "id")));
        PutAnchorsAction.Source sampled = new PutAnchorsAction.Source("docs", "emb", "_id", "emb_b", 100, 42L);
        assertEquals(sampled, new PutAnchorsAction.Source("docs", "emb", "_id", "emb_b", 100, 42L));
        assertEquals(sampled.hashCode(), new PutAnchorsAction.Source("docs", "emb", "_id", "emb_b", 100, 42L).hashCode());
        for (PutAnchorsAction.Source other : List.of(new PutAnchorsAction.Source("docs", "emb", "_id", "emb_c", 100, 42L),
            new PutAnchorsAction.Source("docs", "emb", "_id", "emb_b", 101, 42L), new PutAnchorsAction.Source("docs", "emb", "_id", "emb_b",
                100, 43L), new PutAnchorsAction.Source("docs", "emb", "_id", "emb_b", 100, null))) {
            assertNotEquals(sampled, other);
        }
    }

    private static Map<String, Object> diagnostics(double condition, List<String> warnings) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("condition_number", condition);
        d.put("effective_rank", 3.5);
        d.put("numerical_rank", 4);
        d.put("similarity_compression", 0.25);
        d.put("warnings", warnings);
        return d;
    }

    @Test
    void responsesRoundTripKeepingTheDiagnosticsInOrder() throws IOException {
        for (int i = 0; i < 30; i++) {
            String role = random.nextBoolean() ? "query" : "document";
            PutAnchorsAction.Response r = new PutAnchorsAction.Response("m" + random.nextInt(5), role,
                1 + random.nextInt(100), random.nextInt(50_000), random.nextInt(1000), random.nextInt(1000),
                diagnostics(random.nextDouble() * 1e6, random.nextBoolean() ? List.of() : List.of("rank deficient", "compressed")));
            PutAnchorsAction.Response copy = assertRoundTrip(r, PutAnchorsAction.Response::new);
            assertEquals(json(r), json(copy), "the same JSON, the diagnostics in the same order");
        }
        PutAnchorsAction.Response a = new PutAnchorsAction.Response("m", "query", 2, 10, 4, 6, diagnostics(12, List.of()));
        for (PutAnchorsAction.Response other : List.of(
            new PutAnchorsAction.Response("m", "query", 3, 10, 4, 6, diagnostics(12, List.of())),
            new PutAnchorsAction.Response("m", "query", 2, 11, 4, 6, diagnostics(12, List.of())),
            new PutAnchorsAction.Response("m", "query", 2, 10, 5, 6, diagnostics(12, List.of())),
            new PutAnchorsAction.Response("m", "query", 2, 10, 4, 7, diagnostics(12, List.of())),
            new PutAnchorsAction.Response("m", "document", 2, 10, 4, 6, diagnostics(12, List.of())),
            new PutAnchorsAction.Response("m", "query", 2, 10, 4, 6, diagnostics(13, List.of())))) {
            assertNotEquals(a, other);
        }
    }

    @Test
    void responsesWriteTheApiFieldsInOrder() throws IOException {
        PutAnchorsAction.Response r = new PutAnchorsAction.Response("m", "document", 7, 1200, 200, 1000, diagnostics(42.5,
            List.of("few anchors")));
        String expected = "{\"model\":\"m\",\"role\":\"document\",\"version\":7,\"anchors\":1200,\"added\":200,\"replaced\":1000,"
            + "\"diagnostics\":{\"condition_number\":42.5,\"effective_rank\":3.5,\"numerical_rank\":4,\"similarity_compression\":0.25,"
            + "\"warnings\":[\"few anchors\"]}}";
        assertEquals(expected, json(r));
        assertEquals(expected, mapJson(r), "the same JSON as the map the endpoint answered with before");
    }

    /** The response as the endpoint built it before it had a type: a map, in this order, written by {@code builder.map}. */
    private static String mapJson(PutAnchorsAction.Response r) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", r.model());
        body.put("role", r.role());
        body.put("version", r.version());
        body.put("anchors", r.anchors());
        body.put("added", r.added());
        body.put("replaced", r.replaced());
        body.put("diagnostics", r.diagnostics());
        try (XContentBuilder builder = JsonXContent.contentBuilder()) {
            return Strings.toString(builder.map(body));
        }
    }
}
