package org.latentbridge.plugin.action.anchors;

import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryBuilders;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an import from an index accepts as its index, as anchor ids and as vectors. */
class AnchorImportTests {

    @Test
    void oneIndexOrAliasIsAcceptedAndPatternsAreRefusedNamingTheField() {
        assertEquals(List.of(), new PutAnchorsAction.Source("docs", "emb", "id").problems());
        assertEquals(List.of(), new PutAnchorsAction.Source("my-alias.v2", "emb", "id").problems());
        for (String pattern : List.of("*", "docs*", "a,b", "_all", "-docs", "<logs-{now/d}>", "remote:docs")) {
            List<String> problems = new PutAnchorsAction.Source(pattern, "emb", "id").problems();
            assertEquals(1, problems.size(), pattern);
            assertEquals("[source][index] must name one index or alias (no wildcards, lists, date math, exclusions or remote clusters), "
                + "got [" + pattern + "]", problems.get(0));
        }
        assertEquals(List.of("[source][index] is required", "[source][field] is required", "[source][id_field] is required"),
            new PutAnchorsAction.Source(" ", null, "").problems());
    }

    @Test
    void theDocumentIdAndTheSamplingOptionsAreAccepted() {
        assertEquals(List.of(), new PutAnchorsAction.Source("docs", "emb", "_id", "emb_b", 100, 7L).problems());
        assertEquals(List.of(), new PutAnchorsAction.Source("docs", "emb", "_id", null, 1, null).problems());
        assertEquals(List.of(), new PutAnchorsAction.Source("docs", "emb", "id", "emb_b", null, null).problems());
    }

    @Test
    void aPairedImportReadsTheDocumentsThatHaveBothFieldsWithTheSameQueryFromEitherSide() {
        assertNull(TransportPutAnchorsAction.importFilter(new PutAnchorsAction.Source("docs", "emb", "id")), "no filter: every document");
        assertNull(TransportPutAnchorsAction.importFilter(new PutAnchorsAction.Source("docs", "emb", "id", null, 10, 1L)));
        QueryBuilder fromA = TransportPutAnchorsAction.importFilter(new PutAnchorsAction.Source("docs", "emb", "_id", "emb_b", 100, 1L));
        QueryBuilder fromB = TransportPutAnchorsAction.importFilter(new PutAnchorsAction.Source("docs", "emb_b", "_id", "emb", 100, 1L));
        assertEquals(QueryBuilders.boolQuery().filter(QueryBuilders.existsQuery("emb")).filter(QueryBuilders.existsQuery("emb_b")), fromA);
        assertEquals(fromA, fromB, "the import into either model reads the same documents");
    }

    @Test
    void aCapAboveTheNodesLimitIsRefusedNamingTheSetting() {
        TransportPutAnchorsAction.checkCap(null, 10);
        TransportPutAnchorsAction.checkCap(10, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransportPutAnchorsAction.checkCap(11, 10));
        assertEquals("[source][max_anchors] is [11], more than the node's limit of [10] anchors per request "
            + "([latent_bridge.anchors.max_per_request])", e.getMessage());
    }

    @Test
    void idsAreStringsOrNumbersAndAnythingElseNamesTheDocument() {
        assertEquals("a1", TransportPutAnchorsAction.importedId("docs", "d1", "aid", "a1"));
        assertEquals("42", TransportPutAnchorsAction.importedId("docs", "d1", "aid", 42));
        assertEquals("4.5", TransportPutAnchorsAction.importedId("docs", "d1", "aid", 4.5));
        for (Object bad : List.of(Map.of("a", 0), List.of("x", "y"), true)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TransportPutAnchorsAction.importedId("docs", "d7", "aid", bad));
            assertTrue(e.getMessage().contains("[source] document [d7] of [docs]: [aid] must be a string or a number"), e.getMessage());
        }
    }

    @Test
    void vectorsAreArraysOrBase64OfTheModelsDimension() {
        String where = "source][docs][d1][emb";
        assertArrayEquals(new float[] {1, 2.5f, -3}, TransportPutAnchorsAction.importedVector(where, List.of(1, 2.5, -3L), 3));
        ByteBuffer bytes = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(-2).putFloat(0.5f);
        assertArrayEquals(new float[] {1, -2, 0.5f}, TransportPutAnchorsAction.importedVector(where,
            Base64.getEncoder().encodeToString(bytes.array()), 3));
        Map<Object, String> refused = new LinkedHashMap<>();
        refused.put(List.of(1, 2), "[source][docs][d1][emb] has wrong dimensions: expected [3] but got [2]");
        refused.put(List.of(1, "x", 3), "[source][docs][d1][emb][1] must be a number, got [x]");
        refused.put(List.of(1, 1e60, 3), "[source][docs][d1][emb][1] must be a finite number, got [1.0E60]");
        refused.put(List.of(1, Double.NaN, 3), "[source][docs][d1][emb][1] must be a finite number, got [NaN]");
        refused.put("AAAA", "[source][docs][d1][emb] base64 must decode to little-endian float32 values, got [3] bytes");
        refused.put("not base64!", "[source][docs][d1][emb] is not valid base64");
        refused.put(Map.of("v", 1), "[source][docs][d1][emb] must be an array of numbers or a base64 string");
        refused.forEach((value, expected) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TransportPutAnchorsAction.importedVector(where, value, 3));
            assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        });
    }
}
