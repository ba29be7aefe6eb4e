package org.latentbridge.plugin.search;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.support.PlainActionFuture;
import org.elasticsearch.common.Strings;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.test.AbstractXContentSerializingTestCase;
import org.elasticsearch.threadpool.TestThreadPool;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentType;
import org.latentbridge.core.linalg.Vectors;
import org.latentbridge.plugin.store.ModelRecord;
import org.latentbridge.plugin.store.StoredDocuments;
import org.latentbridge.plugin.translate.TranslationService;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** {@code latent_translation}: wire and XContent round trips of random instances, equality, and its checks. */
public class LatentTranslationQueryVectorBuilderTests extends AbstractXContentSerializingTestCase<LatentTranslationQueryVectorBuilder> {
    /** Round trips and checks never translate: a builder that asked for the service would fail the test. */
    private static final Supplier<TranslationService> NO_SERVICE = () -> {
        throw new AssertionError("the translation service is needed only to build the vector");
    };

    private static float[] randomVector() {
        float[] v = new float[randomIntBetween(1, 32)];
        for (int i = 0; i < v.length; i++) {
            v[i] = randomFloatBetween(-10f, 10f, true);
        }
        return v;
    }

    @Override
    protected LatentTranslationQueryVectorBuilder createTestInstance() {
        return new LatentTranslationQueryVectorBuilder(randomVector(), randomAlphaOfLength(8), randomAlphaOfLength(8),
            randomBoolean() ? null : randomFrom("query", "document", randomAlphaOfLength(5)), randomBoolean() ? null : randomBoolean(),
            NO_SERVICE);
    }

    /** The builder has no getters: its options are read back from its own XContent. */
    private static Map<String, Object> options(LatentTranslationQueryVectorBuilder b) {
        return new HashMap<>(XContentHelper.convertToMap(XContentType.JSON.xContent(), Strings.toString(b), true));
    }

    @SuppressWarnings("unchecked")
    private static LatentTranslationQueryVectorBuilder fromOptions(Map<String, Object> o) {
        List<Number> values = (List<Number>) o.get("vector");
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i).floatValue();
        }
        return new LatentTranslationQueryVectorBuilder(vector, (String) o.get("model"), (String) o.get("target_model"),
            (String) o.get("role"), (Boolean) o.get("normalize"), NO_SERVICE);
    }

    @Override
    protected LatentTranslationQueryVectorBuilder mutateInstance(LatentTranslationQueryVectorBuilder instance) {
        Map<String, Object> o = options(instance);
        switch (between(0, 4)) {
            case 0 -> {
                List<Object> longer = new ArrayList<>((List<?>) o.get("vector"));
                longer.add(randomFloat());
                o.put("vector", longer);
            }
            case 1 -> o.put("model", randomValueOtherThan(o.get("model"), () -> randomAlphaOfLength(9)));
            case 2 -> o.put("target_model", randomValueOtherThan(o.get("target_model"), () -> randomAlphaOfLength(9)));
            case 3 -> o.put("role", randomValueOtherThan(o.get("role"), () -> randomAlphaOfLength(6)));
            default -> o.put("normalize", o.get("normalize").equals(Boolean.TRUE) == false);
        }
        return fromOptions(o);
    }

    @Override
    protected Writeable.Reader<LatentTranslationQueryVectorBuilder> instanceReader() {
        return in -> new LatentTranslationQueryVectorBuilder(in, NO_SERVICE);
    }

    @Override
    protected LatentTranslationQueryVectorBuilder doParseInstance(XContentParser parser) throws IOException {
        return LatentTranslationQueryVectorBuilder.PARSER.apply(parser, NO_SERVICE);
    }

    public void testDefaultsAreQueryRoleAndNormalised() {
        LatentTranslationQueryVectorBuilder b = new LatentTranslationQueryVectorBuilder(new float[] {1f, 2f}, "a", "b", null, null,
            NO_SERVICE);
        assertThat(options(b).get("role"), equalTo("query"));
        assertThat(options(b).get("normalize"), equalTo(true));
        assertThat(b, equalTo(new LatentTranslationQueryVectorBuilder(new float[] {1f, 2f}, "a", "b", "query", true, NO_SERVICE)));
    }

    public void testRefusesEmptyAndNonFiniteVectors() {
        assertThat(expectThrows(IllegalArgumentException.class,
            () -> new LatentTranslationQueryVectorBuilder(new float[0], "a", "b", null, null, NO_SERVICE)).getMessage(),
            containsString("requires a non-empty [vector]"));
        float bad = randomFrom(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
        assertThat(expectThrows(IllegalArgumentException.class,
            () -> new LatentTranslationQueryVectorBuilder(new float[] {1f, bad}, "a", "b", null, null, NO_SERVICE)).getMessage(),
            containsString("[vector][1] must be a finite number"));
    }

    /**
     * A model into itself is the identity, served by a real translation service: the vector comes back as it is (unit
     * length when normalised), and the model must exist with the vector's dimension.
     */
    public void testAModelIntoItselfIsTheIdentity() throws Exception {
        float[] vector = randomVector();
        String model = randomAlphaOfLength(6).toLowerCase(Locale.ROOT);
        StoredDocuments documents = new StoredDocuments(randomFrom(XContentType.values()));
        documents.put(new ModelRecord(model, vector.length, null, List.of(ModelRecord.DOCUMENT_ROLE), 1, Map.of(), 0L, 0, 1));
        ThreadPool threadPool = new TestThreadPool(getTestName());
        try {
            TranslationService service = StoredDocuments.translationService(documents.client(threadPool));
            PlainActionFuture<float[]> raw = new PlainActionFuture<>();
            new LatentTranslationQueryVectorBuilder(vector, model, model, null, false, () -> service).buildVector(null, raw);
            assertArrayEquals(vector, raw.actionGet(), 0f);

            PlainActionFuture<float[]> unit = new PlainActionFuture<>();
            new LatentTranslationQueryVectorBuilder(vector, model, model, null, true, () -> service).buildVector(null, unit);
            float[] normalised = vector.clone();
            Vectors.normalizeInPlace(normalised);
            assertArrayEquals(normalised, unit.actionGet(), 1e-6f);

            PlainActionFuture<float[]> longer = new PlainActionFuture<>();
            new LatentTranslationQueryVectorBuilder(Arrays.copyOf(vector, vector.length + 1), model, model, null, false, () -> service)
                .buildVector(null, longer);
            assertThat(expectThrows(IllegalArgumentException.class, longer::actionGet).getMessage(), containsString("[vector]"));

            PlainActionFuture<float[]> unknown = new PlainActionFuture<>();
            new LatentTranslationQueryVectorBuilder(vector, model + "x", model + "x", null, false, () -> service)
                .buildVector(null, unknown);
            assertThat(ExceptionsHelper.status(expectThrows(Exception.class, unknown::actionGet)), equalTo(RestStatus.NOT_FOUND));
        } finally {
            ThreadPool.terminate(threadPool, 10, TimeUnit.SECONDS);
        }
    }
}
