package org.latentbridge.plugin.action.model;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.junit.jupiter.api.Test;
import org.latentbridge.plugin.store.ModelRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latentbridge.plugin.action.WireTesting.assertRoundTrip;
import static org.latentbridge.plugin.action.WireTesting.json;
import static org.latentbridge.plugin.action.WireTesting.messages;
import static org.latentbridge.plugin.action.WireTesting.parse;

/** The model endpoints' requests and responses: parsing, validation, wire round trips, equality and JSON. */
class ModelWireTypesTests {
    private final Random random = new Random(7);

    static PutModelAction.Request randomPutRequest(Random random) {
        List<String> roles = random.nextBoolean() ? List.of("document") : List.of("query", "document");
        return new PutModelAction.Request("m" + random.nextInt(100), 1 + random.nextInt(PutModelAction.MAX_DIMS),
            random.nextBoolean() ? null : "d" + random.nextInt(), roles);
    }

    static ModelRecord randomModel(Random random) {
        Map<String, ModelRecord.RoleAnchors> anchors = new LinkedHashMap<>();
        if (random.nextBoolean()) {
            Map<String, Object> statistics = new LinkedHashMap<>();
            statistics.put("count", random.nextInt(100));
            statistics.put("mean_norm", random.nextDouble());
            Map<String, Object> diagnostics = new LinkedHashMap<>();
            diagnostics.put("condition_number", random.nextDouble());
            diagnostics.put("warnings", List.of("w" + random.nextInt(5)));
            anchors.put("document", new ModelRecord.RoleAnchors(random.nextInt(1000), random.nextLong(),
                List.of(new ModelRecord.Segment(random.nextLong(), random.nextInt(1000), 1 + random.nextInt(3))), statistics,
                diagnostics));
        }
        return new ModelRecord("m" + random.nextInt(100), 1 + random.nextInt(64), random.nextBoolean() ? null : "about",
            new ArrayList<>(List.of("query", "document")), 1 + random.nextInt(9), anchors, random.nextLong(), random.nextInt(50),
            1 + random.nextInt(3));
    }

    private static PutModelAction.Request put(String body) throws IOException {
        return parse(body, p -> PutModelAction.Request.parse("m", p));
    }

    @Test
    void putParsesABodyWithDefaults() throws IOException {
        PutModelAction.Request r = put("{\"dims\": 4}");
        assertEquals(new PutModelAction.Request("m", 4, null, List.of("document")), r);
        assertNull(r.validate());
        assertEquals(new PutModelAction.Request("m", 8, "d", List.of("query", "document")),
            put("{\"dims\": 8, \"description\": \"d\", \"roles\": [\"query\", \"document\"]}"));
    }

    @Test
    void putRefusesWrongTypesWithTheFieldNamed() {
        for (String body : List.of("{\"dims\": \"4\"}", "{\"dims\": 4.5}", "{\"dims\": true}", "{\"dims\": 1e300}",
            "{\"dims\": 123456789012345678901234567890}", "{\"dims\": 4, \"roles\": \"query\"}", "{\"dims\": 4, \"roles\": [1]}",
            "{\"dims\": 4, \"description\": 7}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> put(body), body);
            String field = body.contains("roles") ? "roles" : body.contains("description") ? "description" : "dims";
            assertTrue(messages(e).contains(field), body + ": " + messages(e));
        }
        IllegalArgumentException asString = assertThrows(IllegalArgumentException.class, () -> put("{\"dims\": \"4\"}"));
        assertTrue(messages(asString).contains("must be an integer, got the string [4]"), messages(asString));
    }

    @Test
    void putRefusesNullsUnknownFieldsAndMissingDims() {
        assertTrue(messages(assertThrows(IllegalArgumentException.class, () -> put("{\"dims\": null}"))).contains("dims"));
        assertTrue(messages(assertThrows(IllegalArgumentException.class, () -> put("{\"dims\": 4, \"bogus\": 1}")))
            .contains("unknown field [bogus]"));
        assertTrue(messages(assertThrows(IllegalArgumentException.class, () -> put("{\"description\": \"d\"}"))).contains("[dims]"));
    }

    @Test
    void putRefusesContentAfterTheObjectAndAcceptsAByteOrderMark() throws IOException {
        assertTrue(messages(assertThrows(IllegalArgumentException.class, () -> put("{\"dims\": 4} {\"dims\": 5}")))
            .contains("content after its JSON object"));
        assertThrows(IllegalArgumentException.class, () -> put("{\"dims\": 4} garbage"));
        assertTrue(messages(assertThrows(IllegalArgumentException.class, () -> put("[1, 2]"))).contains("must be a JSON object"));
        byte[] json = "{\"dims\": 4}".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[json.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(json, 0, withBom, 3, json.length);
        assertEquals(new PutModelAction.Request("m", 4, null, List.of("document")),
            parse(withBom, p -> PutModelAction.Request.parse("m", p)));
    }

    @Test
    void putValidatesNamesDimsAndRoles() {
        assertNull(new PutModelAction.Request("m", PutModelAction.MAX_DIMS, null, List.of("document")).validate());
        assertInvalid(new PutModelAction.Request("_all", 4, null, List.of("document")), "[model]");
        assertInvalid(new PutModelAction.Request("m", 0, null, List.of("document")), "[dims] must be within [1, 4096]");
        assertInvalid(new PutModelAction.Request("m", 4097, null, List.of("document")), "[dims] must be within [1, 4096]");
        assertInvalid(new PutModelAction.Request("m", 4, null, List.of()), "[roles] must not be empty");
        assertInvalid(new PutModelAction.Request("m", 4, null, List.of("query", "query")), "[roles] contains duplicates");
        assertInvalid(new PutModelAction.Request("m", 4, null, List.of("a b")), "[roles][0]");
        assertInvalid(new PutModelAction.Request("m", 4, null, List.of("x".repeat(129))), "[roles][0]");
        String longest = "d".repeat(ModelRecord.MAX_DESCRIPTION_CHARS);
        assertNull(new PutModelAction.Request("m", 4, longest, List.of("document")).validate());
        assertInvalid(new PutModelAction.Request("m", 4, longest + "d", List.of("document")),
            "[description] must be at most [1000] characters, got [1001]");
    }

    private static void assertInvalid(ActionRequest request, String expected) {
        ActionRequestValidationException e = request.validate();
        assertNotNull(e, expected);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void requestsRoundTripAndCompareByValue() throws IOException {
        for (int i = 0; i < 20; i++) {
            assertRoundTrip(randomPutRequest(random), PutModelAction.Request::new);
            assertRoundTrip(new GetModelAction.Request(random.nextBoolean() ? null : "m" + i), GetModelAction.Request::new);
            assertRoundTrip(new DeleteModelAction.Request("m" + i, random.nextBoolean()), DeleteModelAction.Request::new);
        }
        assertNotEquals(new DeleteModelAction.Request("m", true), new DeleteModelAction.Request("m", false));
        assertNotEquals(new PutModelAction.Request("m", 4, null, List.of("document")), new PutModelAction.Request("m", 5, null,
            List.of("document")));
        assertNull(new GetModelAction.Request((String) null).validate());
        assertInvalid(new GetModelAction.Request("a*"), "[model]");
        assertInvalid(new DeleteModelAction.Request("..", false), "[model]");
    }

    @Test
    void responsesRoundTripAndCompareByValue() throws IOException {
        for (int i = 0; i < 20; i++) {
            assertRoundTrip(new PutModelAction.Response(randomModel(random), random.nextBoolean()), PutModelAction.Response::new);
            assertRoundTrip(GetModelAction.Response.one(randomModel(random)), GetModelAction.Response::new);
            assertRoundTrip(GetModelAction.Response.all(List.of(randomModel(random), randomModel(random))), GetModelAction.Response::new);
            assertRoundTrip(new DeleteModelAction.Response(List.of("m/query->t/document")), DeleteModelAction.Response::new);
        }
        ModelRecord model = randomModel(random);
        assertNotEquals(new PutModelAction.Response(model, true), new PutModelAction.Response(model, false));
        assertNotEquals(GetModelAction.Response.one(model), GetModelAction.Response.all(List.of(model)));
    }

    @Test
    void responsesWriteTheApiFieldsInOrder() {
        ModelRecord model = new ModelRecord("m", 4, "about", List.of("query", "document"), 3, Map.of("document",
            new ModelRecord.RoleAnchors(2, 99, List.of(new ModelRecord.Segment(99, 2, 1)), Map.of("count", 2),
                Map.of("warnings", List.of()))), 0, 1, 1);
        String fields = "\"model\":\"m\",\"dims\":4,\"version\":3,\"description\":\"about\",\"roles\":{\"query\":{\"anchors\":0},"
            + "\"document\":{\"anchors\":2,\"statistics\":{\"count\":2},\"diagnostics\":{\"warnings\":[]}}}";
        assertEquals("{" + fields + ",\"result\":\"created\"}", json(new PutModelAction.Response(model, true)));
        assertEquals("{" + fields + "}", json(GetModelAction.Response.one(model)));
        assertEquals("{\"models\":[{" + fields + "}]}", json(GetModelAction.Response.all(List.of(model))));
        assertEquals("{\"acknowledged\":true,\"deleted_translators\":[\"a\"]}", json(new DeleteModelAction.Response(List.of("a"))));
    }
}
