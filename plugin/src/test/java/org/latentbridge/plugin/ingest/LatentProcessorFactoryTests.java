package org.latentbridge.plugin.ingest;

import org.elasticsearch.ElasticsearchParseException;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.ingest.Processor;
import org.elasticsearch.ingest.RandomDocumentPicks;
import org.elasticsearch.ingest.TestIngestDocument;
import org.elasticsearch.test.ESTestCase;
import org.latentbridge.plugin.translate.QueryMethod;
import org.latentbridge.plugin.translate.TranslateSpec;
import org.latentbridge.plugin.translate.TranslationService;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.elasticsearch.ingest.IngestDocumentMatcher.assertIngestDocument;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.anEmptyMap;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.sameInstance;

/**
 * The factories of {@code latent_translate} and {@code latent_relative}: what a pipeline definition may say, each refusal
 * with the option it names, and the document paths that never reach a translation (a missing or malformed field).
 */
public class LatentProcessorFactoryTests extends ESTestCase {
    /** Nothing here reaches a translation: a processor that asked for the service would fail the test. */
    private static final Supplier<TranslationService> NO_SERVICE = () -> {
        throw new AssertionError("no translation expected");
    };

    /** Creates through the line-independent hook (the 9.x {@code create} adds a project id this plugin ignores). */
    private static LatentVectorProcessor create(boolean relativeFactory, String tag, String description, Map<String, Object> config)
        throws Exception {
        Map<String, Object> mutable = new HashMap<>(config);
        Processor processor = relativeFactory
            ? new LatentRelativeProcessor.Factory(NO_SERVICE).createProcessor(Map.of(), tag, description, mutable)
            : new LatentTranslateProcessor.Factory(NO_SERVICE).createProcessor(Map.of(), tag, description, mutable);
        assertThat("every option is consumed", mutable, anEmptyMap());
        return (LatentVectorProcessor) processor;
    }

    private static LatentVectorProcessor translate(Map<String, Object> config) throws Exception {
        return create(false, randomAlphaOfLength(6), randomBoolean() ? null : randomAlphaOfLength(10), config);
    }

    private static LatentVectorProcessor relative(Map<String, Object> config) throws Exception {
        return create(true, randomAlphaOfLength(6), randomBoolean() ? null : randomAlphaOfLength(10), config);
    }

    private static Map<String, Object> with(Map<String, Object> base, Object... keyValues) {
        Map<String, Object> config = new HashMap<>(base);
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put((String) keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    private static final Map<String, Object> TRANSLATE = Map.of("field", "emb", "from", "bge-small", "to", "minilm");
    private static final Map<String, Object> RELATIVE = Map.of("field", "emb", "model", "bge-small");

    /** The configuration exception {@code config} raises, checked to name {@code option}. */
    private static ElasticsearchParseException refusal(boolean relativeFactory, Map<String, Object> config, String option) {
        ElasticsearchParseException e = expectThrows(ElasticsearchParseException.class,
            () -> create(relativeFactory, "t", null, config));
        assertThat(e.getMessage(), containsString("[" + option + "]"));
        assertThat(e.getMetadata("es.property_name"), equalTo(List.of(option)));
        return e;
    }

    public void testTranslateDefaults() throws Exception {
        LatentVectorProcessor p = translate(TRANSLATE);
        assertThat(p, instanceOf(LatentTranslateProcessor.class));
        assertThat(p.getType(), equalTo(LatentTranslateProcessor.TYPE));
        assertThat(p.targetField, equalTo("emb"));
        assertThat(p.ignoreMissing, is(false));
        assertThat(p.provenanceField, nullValue());
        assertThat(p.spec, equalTo(new TranslateSpec("bge-small", "minilm", "document", QueryMethod.AUTO, false, null, 1.0)
            .withDocuments(true)));
        assertThat("documents take the translator's document map unless told otherwise", p.spec.documents(), is(true));
    }

    public void testTranslateEveryOption() throws Exception {
        QueryMethod method = randomFrom(QueryMethod.values());
        boolean normalize = randomBoolean(), calibrate = randomBoolean();
        LatentVectorProcessor p = translate(with(TRANSLATE, "target_field", "out", "ignore_missing", true, "provenance_field", "prov",
            "role", "passage", "method", method.apiName(), "normalize", normalize, "calibrate", calibrate));
        assertThat(p.field, equalTo("emb"));
        assertThat(p.targetField, equalTo("out"));
        assertThat(p.ignoreMissing, is(true));
        assertThat(p.provenanceField, equalTo("prov"));
        assertThat(p.spec, equalTo(new TranslateSpec("bge-small", "minilm", "passage", method, normalize, null, 1.0)
            .withDocuments(calibrate)));
    }

    public void testTagAndDescriptionAreKeptAndChangeNothingElse() throws Exception {
        String tag = randomAlphaOfLength(8);
        String description = randomAlphaOfLength(12);
        LatentVectorProcessor described = create(false, tag, description, TRANSLATE);
        LatentVectorProcessor bare = create(false, null, null, TRANSLATE);
        assertThat(described.getTag(), equalTo(tag));
        assertThat(described.getDescription(), equalTo(description));
        assertThat(described.spec, equalTo(bare.spec));
        assertThat(described.targetField, equalTo(bare.targetField));
    }

    public void testTranslateRefusals() {
        Map<String, Object> missingField = new HashMap<>(TRANSLATE);
        missingField.remove("field");
        refusal(false, missingField, "field");
        Map<String, Object> missingFrom = new HashMap<>(TRANSLATE);
        missingFrom.remove("from");
        refusal(false, missingFrom, "from");
        Map<String, Object> missingTo = new HashMap<>(TRANSLATE);
        missingTo.remove("to");
        refusal(false, missingTo, "to");
        assertThat(refusal(false, with(TRANSLATE, "field", " "), "field").getMessage(), containsString("must not be blank"));
        assertThat(refusal(false, with(TRANSLATE, "target_field", ""), "target_field").getMessage(), containsString("must not be blank"));
        assertThat(refusal(false, with(TRANSLATE, "from", " "), "from").getMessage(), containsString("must be 1-128 letters"));
        assertThat(refusal(false, with(TRANSLATE, "to", "-minilm"), "to").getMessage(), containsString("starting with a letter"));
        assertThat(refusal(false, with(TRANSLATE, "role", "a b"), "role").getMessage(), containsString("got [a b]"));
        assertThat(refusal(false, with(TRANSLATE, "to", "m".repeat(129)), "to").getMessage(), containsString("1-128"));
        assertThat(refusal(false, with(TRANSLATE, "method", "linear"), "method").getMessage(),
            allOf(containsString("must be [auto]"), containsString("[inverse_relative]"), endsWith("got [linear]")));
        refusal(false, with(TRANSLATE, "calibrate", "sometimes"), "calibrate");
    }

    public void testRelativeDefaultsAndSparseOptions() throws Exception {
        LatentVectorProcessor dense = relative(RELATIVE);
        assertThat(dense, instanceOf(LatentRelativeProcessor.class));
        assertThat(dense.getType(), equalTo(LatentRelativeProcessor.TYPE));
        assertThat(dense.spec, equalTo(new TranslateSpec("bge-small", TranslateSpec.RELATIVE_TARGET, "document",
            QueryMethod.AUTO, true, null, 1.0)));

        int topK = randomIntBetween(1, 1000);
        double exponent = randomDoubleBetween(Double.MIN_NORMAL, TranslateSpec.MAX_EXPONENT, true);
        LatentVectorProcessor sparse = relative(with(RELATIVE, "top_k", topK, "exponent", exponent, "role", "query"));
        assertThat(sparse.spec, equalTo(new TranslateSpec("bge-small", TranslateSpec.RELATIVE_TARGET, "query",
            QueryMethod.AUTO, true, topK, exponent)));
        assertThat("an integer exponent is a number too", relative(with(RELATIVE, "exponent", 2)).spec.exponent(), equalTo(2.0));
    }

    public void testRelativeRefusals() {
        Map<String, Object> missingModel = new HashMap<>(RELATIVE);
        missingModel.remove("model");
        refusal(true, missingModel, "model");
        refusal(true, with(RELATIVE, "model", ""), "model");
        assertThat(refusal(true, with(RELATIVE, "top_k", 0), "top_k").getMessage(), containsString("must be at least 1, got [0]"));
        refusal(true, with(RELATIVE, "top_k", -randomIntBetween(1, 100)), "top_k");
        refusal(true, with(RELATIVE, "top_k", "many"), "top_k");
        for (Object exponent : new Object[] {0, -1.5, TranslateSpec.MAX_EXPONENT + 0.001, Double.NaN,
            Double.POSITIVE_INFINITY, "two"}) {
            assertThat(refusal(true, with(RELATIVE, "exponent", exponent), "exponent").getMessage(),
                containsString("must be a number in (0, " + TranslateSpec.MAX_EXPONENT + "], got [" + exponent + "]"));
        }
    }

    /** The result {@code processor} hands its handler for {@code document}: the document or the failure. */
    private static Object run(LatentVectorProcessor processor, IngestDocument document) {
        AtomicReference<Object> outcome = new AtomicReference<>();
        processor.execute(document, (done, failure) -> outcome.set(failure != null ? failure : done));
        assertThat("answered at once, without a translation", outcome.get(), notNullValue());
        return outcome.get();
    }

    public void testIgnoreMissingPassesADocumentWithoutTheFieldThroughUnchanged() throws Exception {
        IngestDocument document = RandomDocumentPicks.randomIngestDocument(random());
        String field = randomValueOtherThanMany(document::hasField, () -> randomAlphaOfLength(12));
        IngestDocument before = new IngestDocument(document);
        LatentVectorProcessor processor = randomBoolean() ? translate(with(TRANSLATE, "field", field, "ignore_missing", true))
            : relative(with(RELATIVE, "field", field, "ignore_missing", true));
        assertThat(run(processor, document), sameInstance(document));
        assertIngestDocument(document, before);
    }

    public void testAMissingFieldFailsWithoutIgnoreMissing() throws Exception {
        IngestDocument document = TestIngestDocument.withDefaultVersion(new HashMap<>(Map.of("other", List.of(1, 2))));
        Object outcome = run(translate(TRANSLATE), document);
        assertThat(outcome, instanceOf(IllegalArgumentException.class));
        assertThat(((Exception) outcome).getMessage(), equalTo("[latent_translate] field [emb] is missing"));
    }

    public void testAMalformedVectorFailsBeforeAnyTranslation() throws Exception {
        LatentVectorProcessor processor = relative(RELATIVE);
        for (Object value : List.of("text", List.of(), List.of(1.0, "x"), List.of(1.0, Double.NaN), Map.of("a", 1))) {
            IngestDocument document = TestIngestDocument.withDefaultVersion(new HashMap<>(Map.of("emb", value)));
            Object outcome = run(processor, document);
            assertThat(String.valueOf(value), outcome, instanceOf(IllegalArgumentException.class));
            assertThat(((Exception) outcome).getMessage(), containsString("[latent_relative] field [emb]"));
        }
    }
}
