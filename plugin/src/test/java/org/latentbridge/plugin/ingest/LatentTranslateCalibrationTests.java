package org.latentbridge.plugin.ingest;

import org.elasticsearch.action.support.PlainActionFuture;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.ingest.TestIngestDocument;
import org.elasticsearch.test.ESTestCase;
import org.elasticsearch.threadpool.TestThreadPool;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.xcontent.XContentType;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.fit.FitOptions;
import org.latentbridge.core.fit.FitResult;
import org.latentbridge.core.fit.TranslatorFitter;
import org.latentbridge.core.io.BinaryCodec;
import org.latentbridge.core.translate.Method;
import org.latentbridge.plugin.store.ModelRecord;
import org.latentbridge.plugin.store.StoredDocuments;
import org.latentbridge.plugin.store.TranslatorRecord;
import org.latentbridge.plugin.translate.QueryMethod;
import org.latentbridge.plugin.translate.TranslateSpec;
import org.latentbridge.plugin.translate.Translation;
import org.latentbridge.plugin.translate.TranslationService;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * {@code latent_translate} with a translator stored with its score calibration and document map, served by a real
 * translation service: documents go through the document map by default and through the query map with
 * {@code calibrate: false}; queries get the stored calibration, and a translator of format 1 has none.
 */
public class LatentTranslateCalibrationTests extends ESTestCase {
    private static final int DIMS = 8, ANCHORS = 300;

    private static ModelRecord model(String name) {
        return new ModelRecord(name, DIMS, null, List.of(ModelRecord.DOCUMENT_ROLE), 1,
            Map.of(ModelRecord.DOCUMENT_ROLE, new ModelRecord.RoleAnchors(ANCHORS, 1,
                List.of(new ModelRecord.Segment(1, ANCHORS, 1)), Map.of(), Map.of())), 0L, 0, 1);
    }

    /** A pair whose target has a large shared mean and a part the source cannot predict: documents need the correction. */
    private static FitResult fit(long seed) {
        Random random = new Random(seed);
        List<String> ids = new ArrayList<>();
        List<float[]> source = new ArrayList<>(), target = new ArrayList<>();
        float[] offset = new float[DIMS];
        for (int j = 0; j < DIMS; j++) {
            offset[j] = 2f * (float) random.nextGaussian();
        }
        for (int i = 0; i < ANCHORS; i++) {
            float[] s = new float[DIMS], t = new float[DIMS];
            for (int j = 0; j < DIMS; j++) {
                s[j] = (float) random.nextGaussian();
            }
            for (int j = 0; j < DIMS; j++) {
                t[j] = s[(j + 1) % DIMS] + offset[j] + 0.8f * (float) random.nextGaussian();
            }
            ids.add("a" + i);
            source.add(s);
            target.add(t);
        }
        return TranslatorFitter.fit(AnchorSet.of(DIMS, ids, source), AnchorSet.of(DIMS, ids, target),
            FitOptions.defaults().withMethod(Method.ORTHOGONAL).withParallelism(1).withSeed(seed));
    }

    private static byte[] blob(FitResult fit) {
        byte[] main = BinaryCodec.encode(fit.translator()), documents = BinaryCodec.encode(fit.documentTranslator());
        byte[] out = Arrays.copyOf(main, main.length + documents.length);
        System.arraycopy(documents, 0, out, main.length, documents.length);
        return out;
    }

    private static float[] translatedBy(LatentTranslateProcessor processor, float[] vector) {
        List<Float> list = new ArrayList<>();
        for (float f : vector) {
            list.add(f);
        }
        IngestDocument document = TestIngestDocument.withDefaultVersion(new HashMap<>(Map.of("emb", list)));
        PlainActionFuture<IngestDocument> done = new PlainActionFuture<>();
        processor.execute(document, (d, e) -> {
            if (e != null) {
                done.onFailure(e);
            } else {
                done.onResponse(d);
            }
        });
        List<?> out = done.actionGet().getFieldValue("out", List.class);
        float[] v = new float[out.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = ((Number) out.get(i)).floatValue();
        }
        return v;
    }

    private static LatentTranslateProcessor processor(TranslationService service, Boolean calibrate) throws Exception {
        Map<String, Object> config = new HashMap<>(Map.of("field", "emb", "target_field", "out", "from", "src", "to", "dst"));
        if (calibrate != null) {
            config.put("calibrate", calibrate);
        }
        return (LatentTranslateProcessor) new LatentTranslateProcessor.Factory(() -> service).createProcessor(Map.of(), "t", null, config);
    }

    public void testDocumentsTakeTheDocumentMapUnlessCalibrateIsFalse() throws Exception {
        FitResult fit = fit(randomLong());
        assertNotNull("the pair needs a document correction", fit.documentTranslator());
        StoredDocuments documents = new StoredDocuments(randomFrom(XContentType.values()));
        documents.put(model("src"));
        documents.put(model("dst"));
        byte[] main = BinaryCodec.encode(fit.translator());
        documents.put(new TranslatorRecord("src", ModelRecord.DOCUMENT_ROLE, "dst", ModelRecord.DOCUMENT_ROLE, 1, "uid-" + randomLong(),
            1, 1, Map.of(), blob(fit), fit.calibration(), fit.documents(), main.length));
        ThreadPool threadPool = new TestThreadPool(getTestName());
        try {
            TranslationService service = StoredDocuments.translationService(documents.client(threadPool));
            float[] vector = new float[DIMS];
            for (int j = 0; j < DIMS; j++) {
                vector[j] = randomFloatBetween(-1f, 1f, true);
            }
            float[] asDocument = fit.documentTranslator().translate(vector, false), asQuery = fit.translator().translate(vector, false);
            assertFalse("the two maps differ on this pair", Arrays.equals(asDocument, asQuery));
            assertArrayEquals(asDocument, translatedBy(processor(service, null), vector), 1e-6f);
            assertArrayEquals(asDocument, translatedBy(processor(service, true), vector), 1e-6f);
            assertArrayEquals(asQuery, translatedBy(processor(service, false), vector), 1e-6f);

            PlainActionFuture<Translation> query = new PlainActionFuture<>();
            service.translate(new TranslateSpec("src", "dst", ModelRecord.DOCUMENT_ROLE, QueryMethod.AUTO, false, null, 1.0), "vector",
                new float[][] {vector}, query);
            Translation t = query.actionGet();
            assertThat(t.calibration(), equalTo(fit.calibration()));
            assertThat(t.method(), equalTo(Method.ORTHOGONAL.apiName()));
            assertArrayEquals(asQuery, t.vectors()[0], 1e-6f);
        } finally {
            ThreadPool.terminate(threadPool, 10, TimeUnit.SECONDS);
        }
    }

    public void testATranslatorFittedBeforeCalibrationsHasNoneAndServesDocumentsWithItsOwnMap() throws Exception {
        FitResult fit = fit(randomLong());
        StoredDocuments documents = new StoredDocuments(randomFrom(XContentType.values()));
        documents.put(model("src"));
        documents.put(model("dst"));
        documents.put(new TranslatorRecord("src", ModelRecord.DOCUMENT_ROLE, "dst", ModelRecord.DOCUMENT_ROLE, 1, "uid-" + randomLong(),
            1, 1, Map.of(), BinaryCodec.encode(fit.translator())));
        ThreadPool threadPool = new TestThreadPool(getTestName());
        try {
            TranslationService service = StoredDocuments.translationService(documents.client(threadPool));
            float[] vector = new float[DIMS];
            Arrays.fill(vector, 0.25f);
            vector[0] = -1;
            assertArrayEquals(fit.translator().translate(vector, false), translatedBy(processor(service, true), vector), 1e-6f);
            PlainActionFuture<Translation> query = new PlainActionFuture<>();
            service.translate(new TranslateSpec("src", "dst", ModelRecord.DOCUMENT_ROLE, QueryMethod.AUTO, false, null, 1.0), "vector",
                new float[][] {vector}, query);
            assertThat(query.actionGet().calibration(), nullValue());
        } finally {
            ThreadPool.terminate(threadPool, 10, TimeUnit.SECONDS);
        }
    }
}
