package org.latentbridge.plugin.action.anchors;

import org.elasticsearch.action.ActionRequestValidationException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latentbridge.plugin.action.WireTesting.assertRoundTrip;
import static org.latentbridge.plugin.action.WireTesting.json;
import static org.latentbridge.plugin.action.WireTesting.messages;
import static org.latentbridge.plugin.action.WireTesting.parse;

/** The pool upload's and delete's requests and responses: parsing, form checks, the cap's messages, round trips, equality, JSON. */
class PoolWireTypesTests {
    private final Random random = new Random(20);

    private static PutPoolAction.Request request(String body) throws IOException {
        return parse(body, p -> PutPoolAction.Request.parse("m", p));
    }

    private PutPoolAction.Request randomRequest() {
        return UploadRequests.randomRequest(random, () -> new PutAnchorsAction.Source("docs" + random.nextInt(3), "emb",
            random.nextBoolean() ? "title" : "_id", null, random.nextBoolean() ? 1 + random.nextInt(1000) : null, null), 1, "p",
            PutPoolAction.Request::new);
    }

    @Test
    void aBodyParsesAsAnAnchorUploadDoesWithTheCapNamedMaxVectors() throws IOException {
        PutPoolAction.Request upload = request("{\"role\":\"query\",\"ids\":[\"a\",\"b\"],\"vectors\":[[1,2],[3,4]]}");
        assertEquals("query", upload.role());
        assertEquals(List.of("a", "b"), upload.ids());
        assertArrayEquals(new float[] {3, 4}, upload.vectors()[1]);
        assertNull(upload.source());
        PutPoolAction.Request imported = request("{\"source\":{\"index\":\"docs\",\"field\":\"emb\",\"id_field\":\"_id\","
            + "\"max_vectors\":500,\"seed\":3}}");
        assertEquals("document", imported.role(), "the role defaults as an anchor upload's does");
        assertEquals(new PutAnchorsAction.Source("docs", "emb", "_id", null, 500, 3L), imported.source());
        assertNull(imported.validate());
    }

    @Test
    void badBodiesAreBadInputNamingTheField() {
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("{\"source\":{\"index\":\"docs\",\"field\":\"emb\",\"id_field\":\"_id\",\"max_anchors\":5}}",
            "unknown field [max_anchors]");
        refused.put("{\"source\":{\"index\":\"docs\",\"field\":\"emb\",\"id_field\":\"_id\",\"max_vectors\":0}}",
            "[source][max_vectors] must be at least [1], got [0]");
        refused.put("{\"source\":{\"index\":\"docs\",\"field\":\"emb\",\"id_field\":\"_id\",\"seed\":1}}",
            "[source][seed] chooses which documents a capped import takes: it needs [source][max_vectors]");
        refused.put("{\"ids\":[\"a\"],\"vectors\":[[1,2]],\"source\":{\"index\":\"docs\",\"field\":\"emb\",\"id_field\":\"_id\"}}",
            "[source] imports pool vectors from an index: do not also send [ids] or [vectors]");
        refused.put("{\"ids\":[\"a\",\"b\"],\"vectors\":[[1,2]]}", "[ids] and [vectors] must have the same length, got [2] ids and [1] "
            + "vectors");
        refused.put("{\"ids\":[\"a\"],\"vectors\":[[1,\"x\"]]}", "[vectors][0][1] must be a number");
        refused.put("{\"ids\":[\"a\"],\"vectors\":[[1,2]],\"colour\":\"red\"}", "unknown field [colour]");
        refused.forEach((body, expected) -> {
            Exception e = assertThrows(Exception.class, () -> request(body), body);
            assertInstanceOf(IllegalArgumentException.class, e, body + ": " + messages(e));
            assertTrue(messages(e).contains(expected), body + ": " + messages(e));
        });
    }

    @Test
    void validationChecksTheNamesAndTheFormOfARequestBuiltInCode() {
        Map<PutPoolAction.Request, List<String>> invalid = new LinkedHashMap<>();
        invalid.put(new PutPoolAction.Request("m", "document", null, null, null), List.of("[ids] is required (or [source] to import from "
            + "an index)", "[vectors] is required"));
        invalid.put(new PutPoolAction.Request("_m", "", List.of("a"), new float[][] {{1}}, null), List.of("[model] must be 1-128 "
            + "letters, digits, '_', '.' or '-', starting with a letter or digit, got [_m]", "[role] must not be blank"));
        invalid.put(new PutPoolAction.Request("m", "document", null, null, new PutAnchorsAction.Source("a*", "emb", "_id", null, 0, null)),
            List.of("[source][index] must name one index or alias (no wildcards, lists, date math, exclusions or remote clusters), got "
                + "[a*]", "[source][max_vectors] must be at least [1], got [0]"));
        invalid.forEach((request, expected) -> {
            ActionRequestValidationException e = request.validate();
            assertNotNull(e, request.getDescription());
            assertEquals(expected, e.validationErrors());
        });
        assertEquals(List.of("[role] must be 1-128 letters, digits, '_', '.' or '-', starting with a letter or digit, got [_x]"),
            new DeletePoolAction.Request("m", "_x").validate().validationErrors());
        assertNull(new DeletePoolAction.Request("m", "query").validate());
    }

    @Test
    void theCapsMessagesSayTheCapWhatThePoolHoldsAndWhatWasSent() {
        assertEquals("the pool of latent model [m] role [document] may hold at most [1000] vectors ([latent_bridge.pool.max_vectors]); "
            + "it holds [600] and the request sent [430]; delete the pool (DELETE /_latent/model/m/_pool?role=document) or send fewer "
            + "vectors", TransportPutAnchorsAction.overPoolCap("m", "document", 1000, 600, 430).getMessage());
        TransportPutAnchorsAction.checkPoolImportCap(null, 10);
        TransportPutAnchorsAction.checkPoolImportCap(10, 10);
        assertEquals("[source][max_vectors] is [11], more than a pool may hold, [10] vectors ([latent_bridge.pool.max_vectors])",
            assertThrows(IllegalArgumentException.class, () -> TransportPutAnchorsAction.checkPoolImportCap(11, 10)).getMessage());
    }

    @Test
    void requestsRoundTripAndCompareByValue() throws IOException {
        for (int i = 0; i < 50; i++) {
            assertRoundTrip(randomRequest(), PutPoolAction.Request::new);
            assertRoundTrip(new DeletePoolAction.Request("m" + random.nextInt(5), random.nextBoolean() ? "query" : "document"),
                DeletePoolAction.Request::new);
        }
        PutPoolAction.Request a = new PutPoolAction.Request("m", "query", List.of("a"), new float[][] {{1, 2}}, null);
        assertEquals(a, new PutPoolAction.Request("m", "query", List.of("a"), new float[][] {{1, 2}}, null));
        for (PutPoolAction.Request other : List.of(
            new PutPoolAction.Request("m", "query", List.of("a"), new float[][] {{1, 3}}, null),
            new PutPoolAction.Request("m", "query", List.of("b"), new float[][] {{1, 2}}, null),
            new PutPoolAction.Request("m", "document", List.of("a"), new float[][] {{1, 2}}, null),
            new PutPoolAction.Request("n", "query", List.of("a"), new float[][] {{1, 2}}, null),
            new PutPoolAction.Request("m", "query", null, null, new PutAnchorsAction.Source("docs", "emb", "_id")))) {
            assertNotEquals(a, other, other.getDescription());
        }
        assertNotEquals(new DeletePoolAction.Request("m", "query"), new DeletePoolAction.Request("m", "document"));
        assertNotEquals(new DeletePoolAction.Request("m", "query"), new DeletePoolAction.Request("n", "query"));
    }

    @Test
    void anAnchorUploadAndAPoolUploadOfTheSameFieldsDifferAndEachNamesItsKind() {
        float[][] vectors = {{1, 2}};
        PutPoolAction.Request pool = new PutPoolAction.Request("m", "query", List.of("a"), vectors, null);
        PutAnchorsAction.Request anchors = new PutAnchorsAction.Request("m", "query", List.of("a"), vectors, null);
        assertNotEquals(pool, anchors);
        assertNotEquals(anchors, pool);
        assertEquals("latent pool [m][query], [1] vectors", pool.getDescription());
        assertEquals("latent anchors [m][query], [1] anchors", anchors.getDescription());
        PutAnchorsAction.Source source = new PutAnchorsAction.Source("docs", "emb", "_id");
        assertEquals("latent pool [m][query] from [docs]", new PutPoolAction.Request("m", "query", null, null, source).getDescription());
        assertEquals("latent anchors [m][query] from [docs]", PutAnchorsAction.Request.importFrom("m", "query", source).getDescription());
    }

    private static Map<String, Object> diagnostics(double condition) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("condition_number", condition);
        d.put("warnings", List.of());
        return d;
    }

    @Test
    void responsesRoundTripCompareByValueAndWriteTheirFields() throws IOException {
        for (int i = 0; i < 30; i++) {
            assertRoundTrip(new PutPoolAction.Response("m" + random.nextInt(5), "document", 1 + random.nextInt(100), random.nextInt(20_000),
                random.nextLong(), random.nextInt(1000), random.nextInt(1000), diagnostics(random.nextDouble())),
                PutPoolAction.Response::new);
            assertRoundTrip(new DeletePoolAction.Response("m", "query", 1 + random.nextInt(100), random.nextInt(20_000)),
                DeletePoolAction.Response::new);
        }
        PutPoolAction.Response a = new PutPoolAction.Response("m", "query", 2, 10, 77, 4, 6, diagnostics(12));
        for (PutPoolAction.Response other : List.of(
            new PutPoolAction.Response("m", "query", 3, 10, 77, 4, 6, diagnostics(12)),
            new PutPoolAction.Response("m", "query", 2, 11, 77, 4, 6, diagnostics(12)),
            new PutPoolAction.Response("m", "query", 2, 10, 78, 4, 6, diagnostics(12)),
            new PutPoolAction.Response("m", "query", 2, 10, 77, 5, 6, diagnostics(12)),
            new PutPoolAction.Response("m", "query", 2, 10, 77, 4, 7, diagnostics(12)),
            new PutPoolAction.Response("m", "document", 2, 10, 77, 4, 6, diagnostics(12)),
            new PutPoolAction.Response("m", "query", 2, 10, 77, 4, 6, diagnostics(13)))) {
            assertNotEquals(a, other);
        }
        assertEquals("{\"model\":\"m\",\"role\":\"query\",\"version\":2,\"vectors\":10,\"generation\":77,\"added\":4,\"replaced\":6,"
            + "\"diagnostics\":{\"condition_number\":12.0,\"warnings\":[]}}", json(a));
        DeletePoolAction.Response deleted = new DeletePoolAction.Response("m", "query", 5, 600);
        assertEquals("{\"model\":\"m\",\"role\":\"query\",\"version\":5,\"deleted\":600}", json(deleted));
        assertNotEquals(deleted, new DeletePoolAction.Response("m", "query", 5, 601));
        assertNotEquals(deleted, new DeletePoolAction.Response("m", "query", 6, 600));
    }
}
