package org.latentbridge.plugin.search;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.TransportVersion;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.PlainActionFuture;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.Strings;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.search.vectors.QueryVectorBuilder;
import org.elasticsearch.test.AbstractXContentSerializingTestCase;
import org.elasticsearch.threadpool.TestThreadPool;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.xcontent.ConstructingObjectParser;
import org.elasticsearch.xcontent.NamedXContentRegistry;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParseException;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentParserConfiguration;
import org.elasticsearch.xcontent.XContentType;
import org.elasticsearch.xcontent.json.JsonXContent;
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
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.elasticsearch.xcontent.ConstructingObjectParser.constructorArg;
import static org.elasticsearch.xcontent.ConstructingObjectParser.optionalConstructorArg;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * {@code latent_translation}: wire and XContent round trips of random instances (with a given vector, or a nested query
 * vector builder), equality, its checks, and translation of what a nested builder returns.
 */
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
        String model = randomAlphaOfLength(8);
        QueryVectorBuilder nested = switch (between(0, 2)) {
            case 0 -> null;
            case 1 -> new FixedVectorBuilder(randomVector(), randomBoolean() ? null : randomFrom(RestStatus.values()).getStatus());
            default -> new LatentTranslationQueryVectorBuilder(randomVector(), randomAlphaOfLength(7), model, null, null, NO_SERVICE);
        };
        return new LatentTranslationQueryVectorBuilder(nested == null ? randomVector() : null, nested, model, randomAlphaOfLength(8),
            randomBoolean() ? null : randomFrom("query", "document", randomAlphaOfLength(5)), randomBoolean() ? null : randomBoolean(),
            NO_SERVICE);
    }

    /** The builder has no getters: its options are read back from its own XContent. */
    private static Map<String, Object> options(LatentTranslationQueryVectorBuilder b) {
        return new HashMap<>(XContentHelper.convertToMap(XContentType.JSON.xContent(), Strings.toString(b), true));
    }

    private LatentTranslationQueryVectorBuilder fromOptions(Map<String, Object> o) throws IOException {
        return parse(Strings.toString(XContentBuilder.builder(JsonXContent.jsonXContent).map(o)));
    }

    private LatentTranslationQueryVectorBuilder parse(String json) throws IOException {
        try (XContentParser p = JsonXContent.jsonXContent.createParser(XContentParserConfiguration.EMPTY.withRegistry(xContentRegistry()),
            json)) {
            return doParseInstance(p);
        }
    }

    @Override
    protected LatentTranslationQueryVectorBuilder mutateInstance(LatentTranslationQueryVectorBuilder instance) throws IOException {
        Map<String, Object> o = options(instance);
        switch (between(0, 4)) {
            case 0 -> {
                if (o.containsKey("vector")) {
                    List<Object> longer = new ArrayList<>((List<?>) o.get("vector"));
                    longer.add(randomFloat());
                    o.put("vector", longer);
                } else {
                    o.remove("query_vector_builder");
                    o.put("vector", List.of(1f, 2f));
                }
            }
            case 1 -> {
                o.put("model", randomValueOtherThan(o.get("model"), () -> randomAlphaOfLength(9)));
                o.put("query_vector_builder", Map.of(FixedVectorBuilder.NAME, Map.of("vector", List.of(3f))));
                o.remove("vector");
            }
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

    /** The query vector builders this node would know: latent_translation and the test's fixed one. */
    @Override
    protected NamedWriteableRegistry getNamedWriteableRegistry() {
        return new NamedWriteableRegistry(List.of(
            new NamedWriteableRegistry.Entry(QueryVectorBuilder.class, LatentTranslationQueryVectorBuilder.NAME,
                in -> new LatentTranslationQueryVectorBuilder(in, NO_SERVICE)),
            new NamedWriteableRegistry.Entry(QueryVectorBuilder.class, FixedVectorBuilder.NAME, FixedVectorBuilder::new)));
    }

    @Override
    protected NamedXContentRegistry xContentRegistry() {
        return new NamedXContentRegistry(List.of(
            new NamedXContentRegistry.Entry(QueryVectorBuilder.class, new ParseField(LatentTranslationQueryVectorBuilder.NAME),
                p -> LatentTranslationQueryVectorBuilder.PARSER.apply(p, NO_SERVICE)),
            new NamedXContentRegistry.Entry(QueryVectorBuilder.class, new ParseField(FixedVectorBuilder.NAME),
                p -> FixedVectorBuilder.PARSER.apply(p, null))));
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

    public void testTakesExactlyOneOfVectorAndNestedBuilder() {
        String both = "{\"vector\": [1.0], \"query_vector_builder\": {\"test_fixed\": {\"vector\": [1.0]}}, \"model\": \"a\", "
            + "\"target_model\": \"b\"}";
        assertThat(rootCause(expectThrows(XContentParseException.class, () -> parse(both))).getMessage(),
            equalTo("[latent_translation] takes either [vector] or [query_vector_builder], not both"));
        String neither = "{\"model\": \"a\", \"target_model\": \"b\"}";
        assertThat(rootCause(expectThrows(XContentParseException.class, () -> parse(neither))).getMessage(),
            equalTo("[latent_translation] requires one of [vector] or [query_vector_builder]"));
    }

    public void testParsesTheNestedBuilderByName() throws IOException {
        LatentTranslationQueryVectorBuilder b = parse("{\"query_vector_builder\": {\"test_fixed\": {\"vector\": [1.0, 2.0]}}, "
            + "\"model\": \"a\", \"target_model\": \"b\"}");
        assertThat(b, equalTo(new LatentTranslationQueryVectorBuilder(null, new FixedVectorBuilder(new float[] {1f, 2f}, null), "a", "b",
            null, null, NO_SERVICE)));
        XContentParseException unknown = expectThrows(XContentParseException.class, () -> parse(
            "{\"query_vector_builder\": {\"no_such_builder\": {}}, \"model\": \"a\", \"target_model\": \"b\"}"));
        assertThat(ExceptionsHelper.stackTrace(unknown), containsString("no_such_builder"));
        assertThat(rootCause(expectThrows(XContentParseException.class, () -> parse(
            "{\"query_vector_builder\": {\"test_fixed\": {\"vector\": [1.0]}, \"latent_translation\": {}}, \"model\": \"a\", "
                + "\"target_model\": \"b\"}"))).getMessage(),
            containsString("[latent_translation] [query_vector_builder] must name one query vector builder, got [test_fixed] and "
                + "[latent_translation]"));
        assertThat(rootCause(expectThrows(XContentParseException.class, () -> parse(
            "{\"query_vector_builder\": {}, \"model\": \"a\", \"target_model\": \"b\"}"))).getMessage(),
            containsString("[latent_translation] [query_vector_builder] must name one query vector builder, got none"));
    }

    /** A nested latent_translation chains two translations: it must end in the model the outer one starts from. */
    public void testNestedLatentTranslationMustTranslateIntoTheOuterModel() {
        LatentTranslationQueryVectorBuilder inner = new LatentTranslationQueryVectorBuilder(new float[] {1f}, "x", "y", null, null,
            NO_SERVICE);
        new LatentTranslationQueryVectorBuilder(null, inner, "y", "z", null, null, NO_SERVICE);
        assertThat(expectThrows(IllegalArgumentException.class,
            () -> new LatentTranslationQueryVectorBuilder(null, inner, "x", "z", null, null, NO_SERVICE)).getMessage(),
            equalTo("[latent_translation] nested [latent_translation] translates into model [y], but this one translates from model [x]: "
                + "the nested [target_model] must be the outer [model]"));
    }

    public void testMinimalVersionIsTheNestedBuildersWhenNewer() {
        FixedVectorBuilder nested = new FixedVectorBuilder(new float[] {1f}, null);
        assertThat(new LatentTranslationQueryVectorBuilder(null, nested, "a", "b", null, null, NO_SERVICE).getMinimalSupportedVersion(),
            equalTo(TransportVersion.max(TransportVersion.minimumCompatible(), nested.getMinimalSupportedVersion())));
        assertThat(new LatentTranslationQueryVectorBuilder(new float[] {1f}, "a", "b", null, null, NO_SERVICE)
            .getMinimalSupportedVersion(), equalTo(TransportVersion.minimumCompatible()));
    }

    /**
     * A model into itself is the identity, served by a real translation service: the vector comes back as it is (unit
     * length when normalised), and the model must exist with the vector's dimension.
     */
    public void testAModelIntoItselfIsTheIdentity() throws Exception {
        float[] vector = randomVector();
        String model = randomAlphaOfLength(6).toLowerCase(Locale.ROOT);
        withService(model, vector.length, service -> {
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
        });
    }

    /** What the nested builder returns is what is translated; a nested latent_translation's output feeds the outer one. */
    public void testTranslatesWhatTheNestedBuilderReturns() throws Exception {
        float[] vector = randomVector();
        String model = randomAlphaOfLength(6).toLowerCase(Locale.ROOT);
        withService(model, vector.length, service -> {
            float[] normalised = vector.clone();
            Vectors.normalizeInPlace(normalised);
            PlainActionFuture<float[]> built = new PlainActionFuture<>();
            new LatentTranslationQueryVectorBuilder(null, new FixedVectorBuilder(vector, null), model, model, null, true, () -> service)
                .buildVector(null, built);
            assertArrayEquals(normalised, built.actionGet(), 1e-6f);

            PlainActionFuture<float[]> chained = new PlainActionFuture<>();
            LatentTranslationQueryVectorBuilder inner = new LatentTranslationQueryVectorBuilder(null, new FixedVectorBuilder(vector, null),
                model, model, null, false, () -> service);
            new LatentTranslationQueryVectorBuilder(null, inner, model, model, null, false, () -> service).buildVector(null, chained);
            assertArrayEquals(vector, chained.actionGet(), 0f);
        });
    }

    /** A nested vector of the wrong length is the request's fault: a 400 naming both models and both lengths. */
    public void testNestedVectorOfTheWrongDimensionIsABadRequest() throws Exception {
        int dims = randomIntBetween(2, 16);
        String model = randomAlphaOfLength(6).toLowerCase(Locale.ROOT);
        withService(model, dims, service -> {
            PlainActionFuture<float[]> built = new PlainActionFuture<>();
            new LatentTranslationQueryVectorBuilder(null, new FixedVectorBuilder(new float[dims - 1], null), model, "target", null, null,
                () -> service).buildVector(null, built);
            IllegalArgumentException e = expectThrows(IllegalArgumentException.class, built::actionGet);
            assertThat(e.getMessage(), equalTo("[latent_translation] nested [test_fixed] returned a vector of [" + (dims - 1)
                + "] dimensions, but model [" + model + "] (translated into model [target]) has [" + dims + "]"));
        });
    }

    /** The nested builder's own failure keeps its status, and the message says which builder failed. */
    public void testNestedFailureKeepsItsStatusAndNamesTheBuilder() {
        RestStatus status = randomFrom(RestStatus.NOT_FOUND, RestStatus.BAD_REQUEST, RestStatus.FORBIDDEN, RestStatus.SERVICE_UNAVAILABLE);
        PlainActionFuture<float[]> built = new PlainActionFuture<>();
        new LatentTranslationQueryVectorBuilder(null, new FixedVectorBuilder(new float[] {1f}, status.getStatus()), "a", "b", null, null,
            NO_SERVICE).buildVector(null, built);
        ElasticsearchStatusException e = expectThrows(ElasticsearchStatusException.class, built::actionGet);
        assertThat(e.status(), equalTo(status));
        assertThat(e.getMessage(), startsWith("[latent_translation] nested [test_fixed] failed: "));
        assertThat(e.getMessage(), containsString("test_fixed asked to fail with [" + status.getStatus() + "]"));

        PlainActionFuture<float[]> none = new PlainActionFuture<>();
        new LatentTranslationQueryVectorBuilder(null, new FixedVectorBuilder(null, null), "a", "b", null, null, NO_SERVICE)
            .buildVector(null, none);
        assertThat(expectThrows(IllegalArgumentException.class, none::actionGet).getMessage(),
            equalTo("[latent_translation] nested [test_fixed] returned no vector"));

        PlainActionFuture<float[]> nonFinite = new PlainActionFuture<>();
        new LatentTranslationQueryVectorBuilder(null, new FixedVectorBuilder(new float[] {1f, Float.NaN}, null), "a", "b", null, null,
            NO_SERVICE).buildVector(null, nonFinite);
        assertThat(expectThrows(IllegalArgumentException.class, nonFinite::actionGet).getMessage(),
            containsString("[nested [test_fixed] vector][1] must be a finite number"));
    }

    /** The innermost cause: what the parser's wrappers (field, then builder) were caused by. */
    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private interface ServiceTest {
        void run(TranslationService service) throws Exception;
    }

    /** Runs {@code test} with a real translation service over a store holding {@code model} of {@code dims}. */
    private void withService(String model, int dims, ServiceTest test) throws Exception {
        StoredDocuments documents = new StoredDocuments(randomFrom(XContentType.values()));
        documents.put(new ModelRecord(model, dims, null, List.of(ModelRecord.DOCUMENT_ROLE), 1, Map.of(), 0L, 0, 1));
        ThreadPool threadPool = new TestThreadPool(getTestName());
        try {
            test.run(StoredDocuments.translationService(documents.client(threadPool)));
        } finally {
            ThreadPool.terminate(threadPool, 10, TimeUnit.SECONDS);
        }
    }

    /** A query vector builder that returns the vector it was given (null: none), or fails with the given HTTP status. */
    private static final class FixedVectorBuilder implements QueryVectorBuilder {
        static final String NAME = "test_fixed";
        @SuppressWarnings("unchecked")
        static final ConstructingObjectParser<FixedVectorBuilder, Void> PARSER = new ConstructingObjectParser<>(NAME, false,
            a -> new FixedVectorBuilder(toArray((List<Float>) a[0]), (Integer) a[1]));

        static {
            PARSER.declareFloatArray(constructorArg(), new ParseField("vector"));
            PARSER.declareInt(optionalConstructorArg(), new ParseField("fail"));
        }

        private final float[] vector;
        private final Integer fail;

        FixedVectorBuilder(float[] vector, Integer fail) {
            this.vector = vector;
            this.fail = fail;
        }

        FixedVectorBuilder(StreamInput in) throws IOException {
            this(in.readOptionalFloatArray(), in.readOptionalVInt());
        }

        private static float[] toArray(List<Float> values) {
            float[] v = new float[values.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = values.get(i);
            }
            return v;
        }

        @Override
        public void buildVector(Client client, ActionListener<float[]> listener) {
            if (fail != null) {
                listener.onFailure(new ElasticsearchStatusException(NAME + " asked to fail with [" + fail + "]",
                    RestStatus.fromCode(fail)));
            } else {
                listener.onResponse(vector);
            }
        }

        @Override
        public String getWriteableName() {
            return NAME;
        }

        @Override
        public TransportVersion getMinimalSupportedVersion() {
            return TransportVersion.current();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeOptionalFloatArray(vector);
            out.writeOptionalVInt(fail);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject().array("vector", vector);
            if (fail != null) {
                builder.field("fail", fail);
            }
            return builder.endObject();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FixedVectorBuilder b && Arrays.equals(vector, b.vector) && Objects.equals(fail, b.fail);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(vector), fail);
        }
    }
}
