package org.latentbridge.plugin.store;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentType;
import org.elasticsearch.xcontent.json.JsonXContent;
import org.junit.jupiter.api.Test;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.fit.DocumentCorrection;
import org.latentbridge.core.fit.ScoreCalibration;
import org.latentbridge.core.io.BinaryCodec;
import org.latentbridge.core.translate.Method;

import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stored forms of models, translators and anchor chunks: current, as written before format_version, and damaged. */
class StoredDocumentsTests {
    static {
        // ElasticsearchException's class initialisation logs: Elasticsearch's logging must be set up outside a node too
        LogConfigurator.configureESLogging();
    }

    /** What a document looks like after a trip through the index: JSON, read back as a map. */
    private static Map<String, Object> stored(Map<String, Object> source) throws IOException {
        try (XContentBuilder b = JsonXContent.contentBuilder()) {
            b.map(source);
            return XContentHelper.convertToMap(BytesReference.bytes(b), false, XContentType.JSON).v2();
        }
    }

    private static ModelRecord model() {
        ModelRecord.RoleAnchors doc = new ModelRecord.RoleAnchors(1200, 77L, List.of(new ModelRecord.Segment(5L, 1000, 1),
            new ModelRecord.Segment(6L, 500, 1)), Map.of("count", 1200), Map.of("anchors", 1200));
        return new ModelRecord("m", 8, "a model", List.of("document", "query"), 4, Map.of("document", doc), 1234L, 3, 1);
    }

    @Test
    void modelRoundTripsThroughItsStoredForm() throws IOException {
        ModelRecord m = model();
        Map<String, Object> source = stored(m.toSource());
        assertEquals(ModelRecord.FORMAT_VERSION, ((Map<?, ?>) source.get("body")).get("format_version"));
        assertEquals(m, ModelRecord.fromSource(source, 3, 1));
        assertEquals(2, ModelRecord.fromSource(source, 3, 1).anchorsOf("document").chunks());
        assertEquals(1500, ModelRecord.fromSource(source, 3, 1).anchorsOf("document").storedRows());
    }

    /** The layout written before format_version: one generation of chunks per role, read as one segment named by it. */
    @Test
    void modelWithoutFormatVersionReadsAsOneSegment() throws IOException {
        Map<String, Object> role = new LinkedHashMap<>();
        role.put("anchors", 3000);
        role.put("generation", 9_000_000_000L);
        role.put("chunks", 2);
        role.put("statistics", Map.of("count", 3000));
        role.put("diagnostics", Map.of("anchors", 3000));
        Map<String, Object> empty = new LinkedHashMap<>(Map.of("anchors", 0, "generation", 0, "chunks", 0, "statistics", Map.of(),
            "diagnostics", Map.of()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dims", 16);
        body.put("description", null);
        body.put("roles", List.of("document", "query"));
        body.put("version", 7);
        body.put("created_millis", 1_700_000_000_000L);
        body.put("anchors", Map.of("document", role, "query", empty));
        ModelRecord m = ModelRecord.fromSource(stored(Map.of("type", "model", "model", "old", "body", body)), 10, 2);
        assertEquals("old", m.model());
        assertEquals(16, m.dims());
        assertEquals(7, m.version());
        ModelRecord.RoleAnchors ra = m.anchorsOf("document");
        assertEquals(List.of(new ModelRecord.Segment(9_000_000_000L, 3000, 2)), ra.segments());
        assertEquals(9_000_000_000L, ra.generation());
        assertEquals(List.of(), m.anchorsOf("query").segments());
        // written back, it is the current layout and reads the same
        assertEquals(m, ModelRecord.fromSource(stored(m.toSource()), 10, 2));
    }

    private static ModelRecord modelWithPool() {
        ModelRecord.RoleAnchors pool = new ModelRecord.RoleAnchors(600, 91L, List.of(new ModelRecord.Segment(8L, 600, 1)),
            Map.of("count", 600), Map.of("warnings", List.of()));
        return model().withRolePool("query", pool);
    }

    @Test
    void aModelWithAPoolRoundTripsAndShowsThePoolPerRole() throws IOException {
        ModelRecord m = modelWithPool();
        Map<String, Object> source = stored(m.toSource());
        @SuppressWarnings("unchecked")
        Map<String, Object> pools = (Map<String, Object>) body(source).get("pools");
        assertEquals(600, ((Map<?, ?>) pools.get("query")).get("vectors"), "a pool counts vectors, not anchors");
        ModelRecord read = ModelRecord.fromSource(source, 3, 1);
        assertEquals(m, read);
        assertTrue(read.hasPool("query"));
        assertFalse(read.hasPool("document"));
        assertEquals(5, read.version(), "adding a pool is a new version of the model");
        Map<?, ?> roles = (Map<?, ?>) read.toApi().get("roles");
        assertEquals(Map.of("vectors", 600, "generation", 91L), ((Map<?, ?>) roles.get("query")).get("pool"));
        assertFalse(((Map<?, ?>) roles.get("document")).containsKey("pool"), "a role without a pool shows none");
        // the anchors' updates keep the pool; dropping it removes it; a role dropped from the model drops its pool
        assertTrue(read.withRoleAnchors("document", read.anchorsOf("document")).hasPool("query"));
        assertFalse(read.withRolePool("query", null).hasPool("query"));
        assertFalse(read.next(null, List.of("document"), read.anchors()).hasPool("query"));
        assertEquals(read.poolOf("query"), VectorKind.POOL.of(read, "query"));
        assertEquals(read.anchorsOf("document"), VectorKind.ANCHORS.of(read, "document"));
    }

    /** A model stored before pools existed has no [pools] field: it reads with none, and is written back without one. */
    @Test
    void aModelStoredBeforePoolsReadsWithNone() throws IOException {
        Map<String, Object> source = stored(model().toSource());
        assertFalse(body(source).containsKey("pools"));
        ModelRecord read = ModelRecord.fromSource(source, 3, 1);
        assertEquals(Map.of(), read.pools());
        assertEquals(model(), read);
    }

    @Test
    void poolChunksNeverShareAnIdWithAnchorChunks() {
        assertEquals("anchors:m:document:5:0", LatentSystemIndex.chunkId("m", "document", 5, 0));
        assertEquals("anchors:m:document:5:0", LatentSystemIndex.chunkId(VectorKind.ANCHORS, "m", "document", 5, 0));
        assertEquals("pool:m:document:5:0", LatentSystemIndex.chunkId(VectorKind.POOL, "m", "document", 5, 0));
    }

    @Test
    void aDamagedPoolIsA500NamingThePool() throws IOException {
        Map<String, Object> source = stored(modelWithPool().toSource());
        @SuppressWarnings("unchecked")
        Map<String, Object> pool = (Map<String, Object>) ((Map<String, Object>) body(source).get("pools")).get("query");
        pool.put("segments", List.of());
        assertDamaged(source, "role [query] pool", "[600] vectors but no chunk documents", "re-upload the pool");
        body(source).put("pools", Map.of("query", 5));
        assertDamaged(source, "[pools][query] must be an object");
    }

    private static Map<String, Object> damagedModel(Consumer<Map<String, Object>> damage) throws IOException {
        Map<String, Object> source = stored(model().toSource());
        damage.accept(source);
        return source;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> body(Map<String, Object> source) {
        return (Map<String, Object>) source.get("body");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> documentRole(Map<String, Object> source) {
        return (Map<String, Object>) ((Map<String, Object>) body(source).get("anchors")).get("document");
    }

    private static void assertDamaged(Map<String, Object> source, String... mentions) {
        ElasticsearchStatusException e = assertThrows(ElasticsearchStatusException.class, () -> ModelRecord.fromSource(source, 1, 1));
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, e.status(), e.getMessage());
        assertTrue(e.getMessage().contains("latent model [m]"), e.getMessage());
        for (String m : mentions) {
            assertTrue(e.getMessage().contains(m), e.getMessage());
        }
    }

    @Test
    void damagedModelsAreA500NamingTheModelAndTheField() throws IOException {
        assertDamaged(damagedModel(s -> body(s).put("dims", "8")), "[dims]", "must be an integer", "create it again");
        assertDamaged(damagedModel(s -> body(s).remove("version")), "[version] is missing");
        assertDamaged(damagedModel(s -> body(s).put("roles", "document")), "[roles]", "an array");
        assertDamaged(damagedModel(s -> body(s).put("roles", List.of("document", 5))), "[roles]");
        assertDamaged(damagedModel(s -> body(s).put("format_version", 99)), "[format_version] is [99]");
        assertDamaged(damagedModel(s -> body(s).put("dims", 0)), "[dims] must be positive");
        assertDamaged(damagedModel(s -> s.put("body", List.of())), "[body]", "an object");
        assertDamaged(damagedModel(s -> documentRole(s).put("segments", Map.of())), "role [document]", "[segments]", "re-upload");
        assertDamaged(damagedModel(s -> documentRole(s).put("segments", List.of())), "role [document]", "no chunk documents");
        assertDamaged(damagedModel(s -> documentRole(s).put("segments", List.of(Map.of("id", 1, "rows", -1, "chunks", 1)))),
            "[rows] must not be negative");
        assertDamaged(damagedModel(s -> documentRole(s).put("anchors", 2.5)), "[anchors]");
        ElasticsearchStatusException noSource = assertThrows(ElasticsearchStatusException.class, () -> ModelRecord.fromSource(null, 1, 1));
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, noSource.status());
    }

    private static TranslatorRecord translator(byte[] blob) {
        return new TranslatorRecord("a", "document", "b", "query", 3, "uid-1", 11L, 12L, Map.of("method", "orthogonal"), blob);
    }

    @Test
    void translatorRoundTripsAndReadsWithoutFormatVersion() throws IOException {
        TranslatorRecord t = translator(new byte[] {1, 2, 3});
        Map<String, Object> source = stored(t.toSource());
        TranslatorRecord read = TranslatorRecord.fromSource(source);
        assertEquals(t.key(), read.key());
        assertEquals(t.uid(), read.uid());
        assertEquals(t.report(), read.report());
        assertEquals(12L, read.targetGeneration());
        assertArrayEquals(t.blob(), read.blob());
        body(source).remove("format_version");
        assertEquals(3, TranslatorRecord.fromSource(source).version());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFitReportWithoutSomeMetricReadsBackAsStored() throws IOException {
        // a report is read back as the map it was stored as: one written without neighbour_agreement shows without it
        Map<String, Object> metrics = Map.of("orthogonal",
            Map.of("mean_cosine", 0.8, "top1", 1.0, "top10", 1.0, "mrr", 1.0, "held_out", 50));
        TranslatorRecord t = new TranslatorRecord("a", "document", "b", "query", 3, "uid-1", 11L, 12L,
            Map.of("method", "orthogonal", "metrics", metrics), new byte[] {1});
        TranslatorRecord read = TranslatorRecord.fromSource(stored(t.toSource()));
        Map<String, Object> orthogonal = (Map<String, Object>) ((Map<String, Object>) read.report().get("metrics")).get("orthogonal");
        assertEquals(metrics.get("orthogonal"), orthogonal);
        assertEquals(null, orthogonal.get("neighbour_agreement"));
    }

    private static TranslatorRecord calibratedTranslator() {
        ScoreCalibration calibration = new ScoreCalibration(ScoreCalibration.Form.QUANTILE, new double[] {0.1, 0.4, 0.8},
            new double[] {0.5, 0.7, 0.95}, 20, 120, 0.0123, 0.3141);
        DocumentCorrection documents = new DocumentCorrection(Method.LINEAR, 0.8125, 0.5, -0.105, 0.0001, 120, 20, 0.27,
            0.49);
        return new TranslatorRecord("a", "document", "b", "document", 4, "uid-2", 11L, 12L, Map.of("method", "orthogonal"),
            new byte[] {1, 2, 3, 4, 5}, calibration, documents, 3);
    }

    @Test
    void aCalibratedTranslatorRoundTripsWithItsDocumentMap() throws IOException {
        TranslatorRecord t = calibratedTranslator();
        Map<String, Object> source = stored(t.toSource());
        assertEquals(2, body(source).get("format_version"));
        TranslatorRecord read = TranslatorRecord.fromSource(source);
        assertEquals(t.calibration(), read.calibration());
        assertEquals(t.documentCorrection(), read.documentCorrection());
        assertEquals(3, read.documentBlobOffset());
        assertArrayEquals(new byte[] {1, 2, 3}, read.translatorBlob());
        assertArrayEquals(new byte[] {4, 5}, read.documentBlob());
        // the metadata tier reads the document without its blob: the offset stays, the blob is empty
        source.put("blob", "");
        assertEquals(t.calibration(), TranslatorRecord.fromSource(source).calibration());
    }

    @Test
    void aTranslatorOfFormatOneHasNoCalibrationAndNoDocumentMap() throws IOException {
        Map<String, Object> source = stored(calibratedTranslator().toSource());
        body(source).put("format_version", 1);
        TranslatorRecord read = TranslatorRecord.fromSource(source);
        assertEquals(null, read.calibration());
        assertEquals(null, read.documentCorrection());
        assertEquals(null, read.documentBlob());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, read.translatorBlob());
        TranslatorRecord plain = TranslatorRecord.fromSource(stored(translator(new byte[] {7}).toSource()));
        assertEquals(null, plain.calibration());
        assertArrayEquals(new byte[] {7}, plain.translatorBlob());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDamagedCalibrationIsA500NamingIt() throws IOException {
        Map<String, Object> source = stored(calibratedTranslator().toSource());
        ((Map<String, Object>) body(source).get("calibration")).put("y", List.of(0.9, 0.1, 0.2));
        ElasticsearchStatusException e = assertThrows(ElasticsearchStatusException.class, () -> TranslatorRecord.fromSource(source));
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, e.status());
        assertTrue(e.getMessage().contains("calibration knots must rise"), e.getMessage());
        Map<String, Object> offset = stored(calibratedTranslator().toSource());
        body(offset).put("document_blob_offset", 99);
        e = assertThrows(ElasticsearchStatusException.class, () -> TranslatorRecord.fromSource(offset));
        assertTrue(e.getMessage().contains("[document_blob_offset] [99]"), e.getMessage());
    }

    @Test
    void damagedTranslatorDocumentsAreA500NamingTheTranslator() throws IOException {
        Map<String, Object> source = stored(translator(new byte[] {1}).toSource());
        body(source).put("source_generation", "x");
        ElasticsearchStatusException e = assertThrows(ElasticsearchStatusException.class, () -> TranslatorRecord.fromSource(source));
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, e.status());
        assertTrue(e.getMessage().contains("latent translator [a/document->b/query]"), e.getMessage());
        assertTrue(e.getMessage().contains("[source_generation]"), e.getMessage());
        assertTrue(e.getMessage().contains("fit the translator again"), e.getMessage());
        Map<String, Object> notBase64 = new HashMap<>(stored(translator(new byte[] {1}).toSource()));
        notBase64.put("blob", "not base64!");
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, assertThrows(ElasticsearchStatusException.class,
            () -> TranslatorRecord.fromSource(notBase64)).status());
    }

    @Test
    void aBlobThatDoesNotDecodeIsA500ThatSaysToRefit() {
        ElasticsearchStatusException e = assertThrows(ElasticsearchStatusException.class,
            () -> LatentStore.decodeTranslator(translator(new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9})));
        assertEquals(RestStatus.INTERNAL_SERVER_ERROR, e.status());
        assertTrue(e.getMessage().contains("latent translator [a/document->b/query]"), e.getMessage());
        assertTrue(e.getMessage().contains("fit the translator again"), e.getMessage());
    }

    @Test
    void chunksDecodeOrAreA500NamingModelRoleAndChunk() throws IOException {
        AnchorSet rows = AnchorSet.of(2, List.of("a", "b"), List.of(new float[] {1, 0}, new float[] {0, 1}));
        byte[] blob = BinaryCodec.encode(rows);
        Map<String, Object> current = stored(Map.of("type", "anchors", "blob", blob, "body", Map.of("format_version", 1)));
        assertEquals(rows, LatentStore.decodeChunk("latent model [m] role [document]", "c0", 2, current));
        Map<String, Object> old = stored(Map.of("type", "anchors", "blob", blob));
        assertEquals(rows, LatentStore.decodeChunk("latent model [m] role [document]", "c0", 2, old),
            "chunks written before format_version");

        byte[] truncated = Arrays.copyOf(blob, blob.length - 3);
        for (Map<String, Object> bad : List.of(stored(Map.of("blob", truncated)), stored(Map.of("blob", Base64.getEncoder()
            .encodeToString(new byte[] {1, 2, 3}))), stored(Map.of("type", "anchors")), stored(Map.of("blob", 5)))) {
            ElasticsearchStatusException e = assertThrows(ElasticsearchStatusException.class,
                () -> LatentStore.decodeChunk("latent model [m] role [document]", "c0", 2, bad));
            assertEquals(RestStatus.INTERNAL_SERVER_ERROR, e.status());
            assertTrue(e.getMessage().contains("latent model [m] role [document]"), e.getMessage());
            assertTrue(e.getMessage().contains("upload the anchors of the role again"), e.getMessage());
        }
        ElasticsearchStatusException wrongDims = assertThrows(ElasticsearchStatusException.class,
            () -> LatentStore.decodeChunk("latent model [m] role [document]", "c0", 3, current));
        assertTrue(wrongDims.getMessage().contains("[2] dimensions"), wrongDims.getMessage());
    }
}
