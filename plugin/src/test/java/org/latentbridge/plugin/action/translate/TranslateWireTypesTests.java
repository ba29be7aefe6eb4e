package org.latentbridge.plugin.action.translate;

import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.common.Strings;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.json.JsonXContent;
import org.junit.jupiter.api.Test;
import org.latentbridge.plugin.translate.QueryMethod;
import org.latentbridge.plugin.translate.TranslateSpec;
import org.latentbridge.plugin.translate.Translation;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import static org.latentbridge.plugin.action.WireTesting.randomVectors;

/** {@code _translate}'s request and response: parsing, validation, the vector checks, wire round trips, equality and JSON. */
class TranslateWireTypesTests {
    private final Random random = new Random(16);

    private static TranslateAction.Request request(String body) throws IOException {
        return parse(body, TranslateAction.Request::parse);
    }

    private TranslateAction.Request randomRequest() {
        boolean relative = random.nextBoolean();
        return new TranslateAction.Request("m" + random.nextInt(5), relative ? TranslateSpec.RELATIVE_TARGET : "t" + random.nextInt(5),
            random.nextBoolean() ? "query" : "document", QueryMethod.values()[random.nextInt(QueryMethod.values().length)],
            random.nextBoolean(), relative && random.nextBoolean() ? 1 + random.nextInt(50) : null,
            relative && random.nextBoolean() ? 0.5 + random.nextDouble() * 4 : null,
            randomVectors(random, 1 + random.nextInt(4), 1 + random.nextInt(8)));
    }

    private List<Map<String, Float>> randomWeights(int count) {
        List<Map<String, Float>> weights = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, Float> w = new LinkedHashMap<>();
            for (int j = random.nextInt(6); j > 0; j--) {
                w.put("anchor-" + random.nextInt(1000), random.nextFloat());
            }
            weights.add(w);
        }
        return weights;
    }

    private static String base64(float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    @Test
    void parsesEveryField() throws IOException {
        TranslateAction.Request r = request("""
            {"from": "m", "to": "_relative", "role": "document", "method": "inverse_relative", "normalize": true, "top_k": 3,
             "exponent": 2.5, "vectors": [[1, 2.5, -3, 4], [0.125, 0, 0, 1e-3]]}""");
        assertEquals(new TranslateAction.Request("m", "_relative", "document", QueryMethod.INVERSE_RELATIVE, true, 3, 2.5,
            new float[][] {{1, 2.5f, -3, 4}, {0.125f, 0, 0, 1e-3f}}), r);
        assertNull(r.validate());
        assertEquals(new TranslateSpec("m", "_relative", "document", QueryMethod.INVERSE_RELATIVE, true, 3, 2.5), r.spec());
    }

    @Test
    void fieldsLeftOutTakeTheirDefaults() throws IOException {
        TranslateAction.Request r = request("{\"from\": \"m\", \"to\": \"t\", \"vectors\": [[1, 2]]}");
        assertEquals(new TranslateAction.Request("m", "t", "query", QueryMethod.AUTO, false, null, null, new float[][] {{1, 2}}), r);
        assertNull(r.validate());
        assertEquals(new TranslateSpec("m", "t", "query", QueryMethod.AUTO, false, null, 1.0), r.spec());
    }

    @Test
    void base64VectorsAreLittleEndianFloat32() throws IOException {
        float[] v = {1.5f, -2, Float.MIN_VALUE, 3.4e38f};
        TranslateAction.Request r = request("{\"from\": \"m\", \"to\": \"t\", \"vectors\": [\"" + base64(v) + "\", [1, 2, 3, 4]]}");
        assertArrayEquals(v, r.vectors()[0]);
        assertArrayEquals(new float[] {1, 2, 3, 4}, r.vectors()[1]);
    }

    @Test
    void badBodiesAreRefusedNamingTheField() {
        String ok = "\"from\": \"m\", \"to\": \"t\"";
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("{\"to\": \"t\", \"vectors\": [[1]]}", "[from] is required");
        bodies.put("{\"from\": \"m\", \"vectors\": [[1]]}", "[to] is required");
        bodies.put("{" + ok + "}", "[vectors] is required");
        bodies.put("{\"from\": 5, \"to\": \"t\", \"vectors\": [[1]]}", "from");
        bodies.put("{\"from\": null, \"to\": \"t\", \"vectors\": [[1]]}", "from");
        bodies.put("{\"from\": [\"m\"], \"to\": \"t\", \"vectors\": [[1]]}", "from");
        bodies.put("{" + ok + ", \"role\": 1, \"vectors\": [[1]]}", "role");
        bodies.put("{" + ok + ", \"normalize\": \"yes\", \"vectors\": [[1]]}", "normalize");
        bodies.put("{" + ok + ", \"normalize\": 2, \"vectors\": [[1]]}", "normalize");
        bodies.put("{" + ok + ", \"method\": \"linear\", \"vectors\": [[1]]}", "[method] must be [auto]");
        bodies.put("{" + ok + ", \"method\": 3, \"vectors\": [[1]]}", "method");
        bodies.put("{" + ok + ", \"top_k\": 4.5, \"vectors\": [[1]]}", "top_k");
        bodies.put("{" + ok + ", \"top_k\": \"4\", \"vectors\": [[1]]}", "must be an integer, got the string [4]");
        bodies.put("{" + ok + ", \"top_k\": 123456789012, \"vectors\": [[1]]}", "top_k");
        bodies.put("{" + ok + ", \"exponent\": \"two\", \"vectors\": [[1]]}", "exponent");
        bodies.put("{" + ok + ", \"exponent\": NaN, \"vectors\": [[1]]}", "exponent");
        bodies.put("{" + ok + ", \"vectors\": \"x\"}", "vectors");
        bodies.put("{" + ok + ", \"vectors\": null}", "vectors");
        bodies.put("{" + ok + ", \"vectors\": [5]}", "[0] must be an array of numbers or a base64 string");
        bodies.put("{" + ok + ", \"vectors\": [[1, 2], [1, \"a\"]]}", "[1][1] must be a number, got the string [a]");
        bodies.put("{" + ok + ", \"vectors\": [[1, 1e39]]}", "[0][1] must be a finite number, got [1e39]");
        bodies.put("{" + ok + ", \"vectors\": [[1, null]]}", "[0][1] must be a number, got null");
        bodies.put("{" + ok + ", \"vectors\": [[[1, 2]]]}", "[0][0] must be a number, got an array");
        bodies.put("{" + ok + ", \"vectors\": [\"not base64!\"]}", "[0] is not valid base64");
        bodies.put("{" + ok + ", \"vectors\": [\"AAAA\"]}", "[0] base64 must decode to little-endian float32 values, got [3] bytes");
        bodies.put("{" + ok + ", \"vectors\": [\"" + base64(1, Float.NaN) + "\"]}", "[0][1] must be a finite number");
        bodies.put("{" + ok + ", \"vectors\": [[1]], \"no_such_option\": 1}", "no_such_option");
        bodies.put("{" + ok + ", \"vectors\": [[1]]} {}", "content after its JSON object");
        bodies.put("[1, 2]", "must be a JSON object");
        bodies.forEach((body, fragment) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> request(body), body);
            assertTrue(messages(e).contains(fragment), body + ": " + messages(e));
        });
    }

    @Test
    void validationChecksWhatNeedsNoModel() {
        float[][] one = {{1, 2}};
        assertNull(new TranslateAction.Request("m", "_relative", "query", QueryMethod.AUTO, false, 5, 2.0, one).validate());
        assertInvalid(new TranslateAction.Request("m", "t", "query", QueryMethod.AUTO, false, 5, null, one),
            "[top_k] and [exponent] sparsify relative vectors: they apply only with [to: _relative]");
        assertInvalid(new TranslateAction.Request("m", "t", "query", QueryMethod.AUTO, false, null, 1.0, one), "[exponent]");
        assertInvalid(new TranslateAction.Request("m", "_relative", "query", QueryMethod.AUTO, false, 0, null, one),
            "[top_k] must be at least 1, got [0]");
        assertInvalid(new TranslateAction.Request("m", "_relative", "query", QueryMethod.AUTO, false, null, 65.0, one),
            "[exponent] must be a number in (0, 64.0], got [65.0]");
        assertInvalid(new TranslateAction.Request("m", "_relative", "query", QueryMethod.AUTO, false, null, -1.0, one), "[exponent]");
        ActionRequestValidationException blank = new TranslateAction.Request(" ", "", "query", QueryMethod.AUTO, false, null, null, one)
            .validate();
        assertNotNull(blank);
        assertEquals(List.of("[from] is required", "[to] is required"), blank.validationErrors());
        // the count and the dimension need the node's limit and the model: the transport action checks them
        assertNull(new TranslateAction.Request("m", "t", "query", QueryMethod.AUTO, false, null, null, new float[0][]).validate());
    }

    private static void assertInvalid(TranslateAction.Request request, String expected) {
        ActionRequestValidationException e = request.validate();
        assertNotNull(e, expected);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void theTransportActionChecksCountAndDimension() {
        float[][] two = {{1, 2, 3}, {4, 5, 6}};
        assertSame(two, TransportTranslateAction.checkVectors(two, 3, 2));
        Map<String, Runnable> refused = new LinkedHashMap<>();
        refused.put("[vectors] must not be empty", () -> TransportTranslateAction.checkVectors(new float[0][], 3, 2));
        refused.put("[vectors] holds [2] vectors, more than the node's limit of [1] per request; send several requests",
            () -> TransportTranslateAction.checkVectors(two, 3, 1));
        refused.put("[vectors][1] has wrong dimensions: expected [3] but got [2]",
            () -> TransportTranslateAction.checkVectors(new float[][] {{1, 2, 3}, {1, 2}}, 3, 10));
        refused.put("[vectors][0] has wrong dimensions: expected [4] but got [3]", () -> TransportTranslateAction.checkVectors(two, 4, 10));
        refused.forEach((expected, check) -> assertEquals(expected, assertThrows(IllegalArgumentException.class, check::run).getMessage()));
    }

    @Test
    void requestsRoundTripAndCompareByValue() throws IOException {
        for (int i = 0; i < 50; i++) {
            assertRoundTrip(randomRequest(), TranslateAction.Request::new);
        }
        TranslateAction.Request a = new TranslateAction.Request("m", "t", "query", QueryMethod.AUTO, false, null, null,
            new float[][] {{1, 2}});
        assertEquals(a, new TranslateAction.Request("m", "t", "query", QueryMethod.AUTO, false, null, null, new float[][] {{1, 2}}));
        assertEquals(a.hashCode(), new TranslateAction.Request("m", "t", "query", QueryMethod.AUTO, false, null, null,
            new float[][] {{1, 2}}).hashCode());
        for (TranslateAction.Request other : List.of(
            new TranslateAction.Request("m", "t", "query", QueryMethod.AUTO, false, null, null, new float[][] {{1, 3}}),
            new TranslateAction.Request("m", "t", "query", QueryMethod.AUTO, false, null, null, new float[][] {{1, 2}, {1, 2}}),
            new TranslateAction.Request("m", "t", "document", QueryMethod.AUTO, false, null, null, new float[][] {{1, 2}}),
            new TranslateAction.Request("m", "t", "query", QueryMethod.INVERSE_RELATIVE, false, null, null, new float[][] {{1, 2}}),
            new TranslateAction.Request("m", "t", "query", QueryMethod.AUTO, true, null, null, new float[][] {{1, 2}}),
            new TranslateAction.Request("m", "t", "query", QueryMethod.AUTO, false, 1, null, new float[][] {{1, 2}}),
            new TranslateAction.Request("m", "t", "query", QueryMethod.AUTO, false, null, 1.0, new float[][] {{1, 2}}),
            new TranslateAction.Request("n", "t", "query", QueryMethod.AUTO, false, null, null, new float[][] {{1, 2}}))) {
            assertNotEquals(a, other, other.getDescription());
        }
    }

    @Test
    void responsesRoundTripWithTheirVectorsAndWeights() throws IOException {
        for (int i = 0; i < 30; i++) {
            int n = 1 + random.nextInt(4);
            Translation.RelativeSpace space = new Translation.RelativeSpace("document", 1 + random.nextInt(100), random.nextInt(9));
            List<Translation> translations = List.of(
                new Translation(randomVectors(random, n, 6), null, "orthogonal", (long) random.nextInt(9), random.nextBoolean(), null),
                new Translation(randomVectors(random, n, 3), null, "inverse_relative", null, false, null),
                new Translation(randomVectors(random, n, 3), null, Translation.IDENTITY, null, false, null),
                new Translation(randomVectors(random, n, space.dims()), null, "relative", null, false, space),
                new Translation(null, randomWeights(n), "relative", null, false, space));
            for (Translation t : translations) {
                TranslateAction.Response copy = assertRoundTrip(new TranslateAction.Response(t), TranslateAction.Response::new);
                assertEquals(json(new TranslateAction.Response(t)), json(copy));
                if (t.sparse()) {
                    for (int j = 0; j < n; j++) {
                        assertEquals(List.copyOf(t.weights().get(j).keySet()), List.copyOf(copy.translation().weights().get(j).keySet()),
                            "the weights keep their order");
                    }
                } else {
                    assertArrayEquals(t.vectors(), copy.translation().vectors());
                }
            }
        }
        Translation t = new Translation(new float[][] {{1, 2}}, null, "orthogonal", 1L, false, null);
        assertNotEquals(new TranslateAction.Response(t), new TranslateAction.Response(new Translation(new float[][] {{1, 2.5f}}, null,
            "orthogonal", 1L, false, null)));
        assertNotEquals(new TranslateAction.Response(t), new TranslateAction.Response(new Translation(new float[][] {{1, 2}}, null,
            "orthogonal", 1L, true, null)));
        assertNotEquals(new TranslateAction.Response(t), new TranslateAction.Response(new Translation(new float[][] {{1, 2}}, null,
            "orthogonal", 2L, false, null)));
    }

    @Test
    void responsesWriteTheApiFieldsInOrder() throws IOException {
        Translation.RelativeSpace space = new Translation.RelativeSpace("query", 3, 2);
        Map<String, Float> weights = new LinkedHashMap<>();
        weights.put("b", 0.5f);
        weights.put("a", 0.25f);
        Map<Translation, String> expected = new LinkedHashMap<>();
        expected.put(new Translation(new float[][] {{1, 0.5f}, {-2, 3e-7f}}, null, "orthogonal", 3L, true, null),
            "{\"method\":\"orthogonal\",\"translator_version\":3,\"stale\":true,\"vectors\":[[1.0,0.5],[-2.0,3.0E-7]]}");
        expected.put(new Translation(new float[][] {{1, 2}}, null, "inverse_relative", null, false, null),
            "{\"method\":\"inverse_relative\",\"vectors\":[[1.0,2.0]]}");
        expected.put(new Translation(new float[][] {{0.1f, 0.2f, 0.3f}}, null, "relative", null, false, space),
            "{\"to\":\"_relative\",\"role\":\"query\",\"dims\":3,\"generation\":2,\"vectors\":[[0.1,0.2,0.3]]}");
        expected.put(new Translation(null, List.of(weights, Map.of()), "relative", null, false, space),
            "{\"to\":\"_relative\",\"role\":\"query\",\"dims\":3,\"generation\":2,\"weights\":[{\"b\":0.5,\"a\":0.25},{}]}");
        for (Map.Entry<Translation, String> e : expected.entrySet()) {
            assertEquals(e.getValue(), json(new TranslateAction.Response(e.getKey())));
            assertEquals(e.getValue(), mapJson(e.getKey()), "the same JSON as the map the endpoint answered with before");
        }
    }

    /** The response as the endpoint built it before it had a type: a map, in this order, written by {@code builder.map}. */
    private static String mapJson(Translation t) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        if (t.relative() != null) {
            body.put("to", TranslateSpec.RELATIVE_TARGET);
            body.put("role", t.relative().role());
            body.put("dims", t.relative().dims());
            body.put("generation", t.relative().anchorGeneration());
        } else {
            body.put("method", t.method());
            if (t.translatorVersion() != null) {
                body.put("translator_version", t.translatorVersion());
                body.put("stale", t.stale());
            }
        }
        if (t.sparse()) {
            body.put("weights", t.weights());
        } else {
            body.put("vectors", t.vectors());
        }
        try (XContentBuilder builder = JsonXContent.contentBuilder()) {
            return Strings.toString(builder.map(body));
        }
    }
}
