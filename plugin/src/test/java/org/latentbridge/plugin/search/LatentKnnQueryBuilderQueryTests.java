package org.latentbridge.plugin.search;

import org.apache.lucene.search.Query;
import org.elasticsearch.action.MockResolvedIndices;
import org.elasticsearch.action.OriginalIndices;
import org.elasticsearch.action.get.GetRequest;
import org.elasticsearch.action.get.GetResponse;
import org.elasticsearch.action.support.IndicesOptions;
import org.elasticsearch.action.support.PlainActionFuture;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.cluster.metadata.MappingMetadata;
import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.Strings;
import org.elasticsearch.common.compress.CompressedXContent;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.index.IndexVersion;
import org.elasticsearch.index.mapper.MapperService;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.index.query.Rewriteable;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.index.query.TermQueryBuilder;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.search.vectors.KnnVectorQueryBuilder;
import org.elasticsearch.search.vectors.RescoreVectorBuilder;
import org.elasticsearch.test.AbstractQueryTestCase;
import org.elasticsearch.xcontent.XContentParseException;
import org.elasticsearch.xcontent.XContentParserConfiguration;
import org.elasticsearch.xcontent.XContentType;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.fit.ScoreCalibration;
import org.latentbridge.core.fit.FitOptions;
import org.latentbridge.core.fit.TranslatorFitter;
import org.latentbridge.core.io.BinaryCodec;
import org.latentbridge.core.linalg.Vectors;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.Translator;
import org.latentbridge.plugin.LatentBridgePlugin;
import org.latentbridge.plugin.compat.LineKnn;
import org.latentbridge.plugin.compat.TestRewriteContexts;
import org.latentbridge.plugin.store.ModelRecord;
import org.latentbridge.plugin.store.StoredDocuments;
import org.latentbridge.plugin.store.TranslatorRecord;
import org.latentbridge.plugin.translate.QueryMethod;
import org.latentbridge.plugin.translate.TranslationService;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.not;

/**
 * {@code latent_knn} under Elasticsearch's query tests: random instances (boost, name, filters, similarity, role, method,
 * field model), XContent and wire round trips, equality, and the two-step rewrite (coordinating node, then shard) to
 * Elasticsearch's own {@code knn} query.
 *
 * <p>Random instances search a field whose model is the query's own (from the mapping's {@code meta.latent_model} or
 * from {@code field_model}), so their rewrite needs no translation: the framework parses and deserialises copies with
 * the plugin's own service supplier, which has no node behind it here. A translated rewrite is tested on its own, with
 * a real translation service (store, cache and a fitted translator) reading the system index's documents through the
 * framework's client.
 */
public class LatentKnnQueryBuilderQueryTests extends AbstractQueryTestCase<LatentKnnQueryBuilder> {
    private static final int DIMS = 3;
    /** Fields by the model their mapping names. */
    private static final Map<String, String> FIELD_MODELS = Map.of("emb_cosine", "model-a", "emb_l2", "model-b", "emb_int8", "model-c");
    /** Random instances never translate: a builder that asked for the service would fail the test. */
    private static final Supplier<TranslationService> NO_SERVICE = () -> {
        throw new AssertionError("the same model needs no translation service");
    };
    /** The model of the translated queries' vectors. */
    private static final String SOURCE_MODEL = "src";
    private static final int ANCHORS = 64;

    /** The system index's documents the framework's client answers GET requests from; null outside the translation tests. */
    private StoredDocuments documents;

    @Override
    protected GetResponse executeGet(GetRequest getRequest) {
        assertNotNull("only the translation tests read the system index", documents);
        return documents.get(getRequest);
    }

    @Override
    protected Collection<Class<? extends Plugin>> getPlugins() {
        return List.of(LatentBridgePlugin.class);
    }

    @Override
    protected void initializeAdditionalMappings(MapperService mapperService) throws IOException {
        mapperService.merge("_doc", new CompressedXContent(Strings.format("""
            {"properties": {
              "emb_cosine": {"type": "dense_vector", "dims": %d, "index": true, "similarity": "cosine", "index_options": {"type": "hnsw"},
                             "meta": {"latent_model": "model-a"}},
              "emb_l2": {"type": "dense_vector", "dims": %d, "index": true, "similarity": "l2_norm", "index_options": {"type": "hnsw"},
                         "meta": {"latent_model": "model-b"}},
              "emb_plain": {"type": "dense_vector", "dims": %d, "index": true, "similarity": "cosine", "index_options": {"type": "hnsw"}},
              "emb_wide": {"type": "dense_vector", "dims": %d, "index": true, "similarity": "cosine", "index_options": {"type": "hnsw"}},
              "emb_int8": {"type": "dense_vector", "dims": %d, "index": true, "similarity": "cosine",
                           "index_options": {"type": "int8_hnsw"}, "meta": {"latent_model": "model-c"}}
            }}""", DIMS, DIMS, DIMS, DIMS + 1, DIMS)), MapperService.MergeReason.MAPPING_UPDATE);
    }

    @Override
    protected LatentKnnQueryBuilder doCreateTestQueryBuilder() {
        String field = randomFrom(FIELD_MODELS.keySet());
        boolean overrideFieldModel = randomBoolean();
        String model = overrideFieldModel ? randomAlphaOfLength(8) : FIELD_MODELS.get(field);
        float[] vector = new float[DIMS];
        for (int i = 0; i < DIMS; i++) {
            vector[i] = randomFloatBetween(-1f, 1f, true);
        }
        vector[0] = 2f; // never the zero vector, which cosine refuses
        Integer k = randomBoolean() ? null : randomIntBetween(1, 100);
        Integer numCandidates = randomBoolean() ? null : randomIntBetween(k == null ? 1 : k, 10_000);
        List<QueryBuilder> filters = new ArrayList<>();
        for (int i = randomIntBetween(0, 2); i > 0; i--) {
            filters.add(new TermQueryBuilder(KEYWORD_FIELD_NAME, randomAlphaOfLength(5)));
        }
        return new LatentKnnQueryBuilder(field, vector, model, randomFrom("query", "document"), k, numCandidates,
            randomFrom(QueryMethod.values()), filters, randomBoolean() ? null : randomFloat(), overrideFieldModel ? model : null, null,
            null, null, LatentMixedKnnQueryBuilderQueryTests.randomRescoreVector(),
            LatentMixedKnnQueryBuilderQueryTests.randomVisitPercentage(), NO_SERVICE, new FieldModelCache());
    }

    /**
     * The framework's coordinator context resolves the test index without its mapping, from which this query reads the
     * field's model; this one carries the mapping, as a real coordinating node's cluster state does.
     */
    private QueryRewriteContext coordinatorContext() {
        IndexMetadata index = IndexMetadata.builder(getIndex().getName())
            .settings(Settings.builder().put(IndexMetadata.SETTING_VERSION_CREATED, IndexVersion.current())
                .put(IndexMetadata.SETTING_INDEX_UUID, getIndex().getUUID()))
            .numberOfShards(1).numberOfReplicas(0)
            .putMapping(new MappingMetadata(mapperService().documentMapper()))
            .build();
        MockResolvedIndices resolved = new MockResolvedIndices(Map.of(),
            new OriginalIndices(new String[] {getIndex().getName()}, IndicesOptions.DEFAULT), Map.of(getIndex(), index));
        return TestRewriteContexts.coordinator(XContentParserConfiguration.EMPTY.withRegistry(xContentRegistry()),
            System.currentTimeMillis(), resolved);
    }

    @Override
    protected QueryBuilder rewriteQuery(LatentKnnQueryBuilder query, QueryRewriteContext ignored, SearchExecutionContext shard)
        throws IOException {
        return super.rewriteQuery(query, coordinatorContext(), shard);
    }

    @Override
    protected QueryBuilder rewriteQuery(LatentKnnQueryBuilder query, SearchExecutionContext shard) throws IOException {
        return super.rewriteQuery(query, coordinatorContext(), shard);
    }

    /** The Lucene query is exactly the one Elasticsearch's {@code knn} query gives for the same vector and options. */
    @Override
    @SuppressWarnings("unchecked")
    protected void doAssertLuceneQuery(LatentKnnQueryBuilder queryBuilder, Query query, SearchExecutionContext context) throws IOException {
        Map<String, Object> options = XContentHelper.convertToMap(XContentType.JSON.xContent(), Strings.toString(queryBuilder), true);
        Map<String, Object> o = (Map<String, Object>) options.get(LatentKnnQueryBuilder.NAME);
        List<Number> values = (List<Number>) o.get("query_vector");
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i).floatValue();
        }
        Number similarity = (Number) o.get("similarity");
        Number visitPercentage = (Number) o.get("visit_percentage");
        Map<String, Object> rescore = (Map<String, Object>) o.get("rescore_vector");
        KnnVectorQueryBuilder expected = LineKnn.knn((String) o.get("field"), vector, (Integer) o.get("k"),
            (Integer) o.get("num_candidates"),
            visitPercentage == null ? null : visitPercentage.floatValue(),
            rescore == null ? null : new RescoreVectorBuilder(((Number) rescore.get("oversample")).floatValue()),
            similarity == null ? null : similarity.floatValue(), filtersOf(queryBuilder));
        Query expectedQuery = rewriteAndFetch(expected, new SearchExecutionContext(context)).toQuery(new SearchExecutionContext(context));
        assertThat(query, equalTo(expectedQuery));
    }

    /** The builder's filters, read back through its own wire form (it has no getter). */
    private List<QueryBuilder> filtersOf(LatentKnnQueryBuilder queryBuilder) throws IOException {
        QueryBuilder copy = copyQuery(queryBuilder);
        QueryBuilder knn = rewriteAndFetch(copy, coordinatorContext());
        assertThat("the same model needs no translation: the coordinator already holds Elasticsearch's knn query", knn,
            instanceOf(KnnVectorQueryBuilder.class));
        return ((KnnVectorQueryBuilder) knn).filterQueries();
    }

    @Override
    public void testMustRewrite() throws IOException {
        SearchExecutionContext context = createSearchExecutionContext();
        IllegalStateException e = expectThrows(IllegalStateException.class, () -> createTestQueryBuilder().toQuery(context));
        assertThat(e.getMessage(), containsString("must be rewritten to a knn query"));
    }

    public void testWithNoIndexResolvedTheQueryStaysAsItIs() throws IOException {
        LatentKnnQueryBuilder query = new LatentKnnQueryBuilder("emb_cosine", new float[] {1f, 0f, 0f}, "model-b", "query", 5, 50,
            QueryMethod.AUTO, List.of(), null, null, NO_SERVICE, new FieldModelCache());
        QueryBuilder rewritten = rewriteAndFetch(query, TestRewriteContexts.coordinator(XContentParserConfiguration.EMPTY, 0L,
            new MockResolvedIndices(Map.of(), new OriginalIndices(new String[0], IndicesOptions.DEFAULT), Map.of())));
        assertThat("no index to search: nothing to translate, the query stays as it is", rewritten, equalTo(query));
    }

    public void testDimensionMismatchOfTheQueryModelIsRefusedOnTheCoordinator() {
        LatentKnnQueryBuilder query = new LatentKnnQueryBuilder("emb_cosine", new float[] {1f, 0f}, "model-a", "query", null, null,
            QueryMethod.AUTO, List.of(), null, null, NO_SERVICE, new FieldModelCache());
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> rewriteAndFetch(query, coordinatorContext()));
        assertThat(e.getMessage(), containsString("[query_vector] has [2] dimensions but field [emb_cosine]"));
    }

    public void testAMissingOrNonVectorFieldIsRefusedOnTheCoordinator() {
        LatentKnnQueryBuilder missing = new LatentKnnQueryBuilder("nope", new float[] {1f, 0f, 0f}, "model-a", "query", null, null,
            QueryMethod.AUTO, List.of(), null, null, NO_SERVICE, new FieldModelCache());
        assertThat(expectThrows(IllegalArgumentException.class, () -> rewriteAndFetch(missing, coordinatorContext())).getMessage(),
            containsString("field [nope] does not exist"));
        LatentKnnQueryBuilder text = new LatentKnnQueryBuilder(TEXT_FIELD_NAME, new float[] {1f, 0f, 0f}, "model-a", "query", null, null,
            QueryMethod.AUTO, List.of(), null, null, NO_SERVICE, new FieldModelCache());
        assertThat(expectThrows(IllegalArgumentException.class, () -> rewriteAndFetch(text, coordinatorContext())).getMessage(),
            containsString("not [dense_vector]"));
    }

    public void testDefaultsAndASingleFilterObjectParse() throws IOException {
        QueryBuilder q = parseQuery("""
            {"latent_knn": {"field": "emb", "query_vector": [1, 2], "model": "m", "filter": {"term": {"g": "x"}}}}""");
        assertThat(q.toString(), containsString("\"role\" : \"query\""));
        assertThat(q.toString(), containsString("\"method\" : \"auto\""));
        assertThat("the filter takes part in equality", q, not(equalTo(parseQuery("""
            {"latent_knn": {"field": "emb", "query_vector": [1, 2], "model": "m"}}"""))));
    }

    public void testBadInputNamesTheProblem() {
        assertRefusal("""
            {"latent_knn": {"query_vector": [1, 2], "model": "m"}}""", "requires [field]");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "query_vector": [1, 2]}}""", "requires [model]");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m"}}""", "non-empty [query_vector]");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1, "x"]}}""", "failed to parse field [query_vector]");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1, 1e60]}}""", "[query_vector][1] must be a finite number");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "k": 0}}""", "[k] must be at least 1");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "k": 5, "num_candidates": 4}}""", "[num_candidates]");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "num_candidates": 10001}}""", "[num_candidates]");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "method": "linear"}}""", "[method]");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "colour": "red"}}""", "unknown field [colour]");
    }

    public void testKnnOptionsParseAndRoundTrip() throws IOException {
        String visit = LineKnn.HAS_VISIT_PERCENTAGE ? ", \"visit_percentage\": 12.5" : "";
        LatentKnnQueryBuilder q = (LatentKnnQueryBuilder) parseQuery("""
            {"latent_knn": {"field": "emb", "query_vector": [1, 2], "model": "m", "k": 3, "num_candidates": 30,
              "rescore_vector": {"oversample": 2.5}%s}}""".formatted(visit));
        assertThat(q.toString(), containsString("\"rescore_vector\" : {\n      \"oversample\" : 2.5\n    }"));
        if (LineKnn.HAS_VISIT_PERCENTAGE) {
            assertThat(q.toString(), containsString("\"visit_percentage\" : 12.5"));
        }
        assertThat(copyQuery(q), equalTo(q));
        assertThat(parseQuery(Strings.toString(q)), equalTo(q));
        assertThat("the oversample takes part in equality", q, not(equalTo(parseQuery("""
            {"latent_knn": {"field": "emb", "query_vector": [1, 2], "model": "m", "k": 3, "num_candidates": 30,
              "rescore_vector": {"oversample": 3}%s}}""".formatted(visit)))));
        LatentKnnQueryBuilder off = (LatentKnnQueryBuilder) parseQuery("""
            {"latent_knn": {"field": "emb", "query_vector": [1, 2], "model": "m", "rescore_vector": {"oversample": 0}}}""");
        assertThat("0 turns the field's default rescoring off, as in Elasticsearch's knn query", copyQuery(off), equalTo(off));
    }

    public void testBadKnnOptionsNameTheProblem() {
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "rescore_vector": {"oversample": 0.5}}}""",
            "[oversample] must be >= 1.0 or 0");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "rescore_vector": {"oversample": -2}}}""",
            "[oversample] must be >= 1.0 or 0");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "rescore_vector": {"oversample": "NaN"}}}""",
            "[rescore_vector] [oversample] must be a finite number");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "rescore_vector": {}}}""", "oversample");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "rescore_vector": {"oversample": 2, "x": 1}}}""",
            "unknown field [x]");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "rescore_vector": 2}}""", "rescore_vector");
        for (String bad : new String[] {"-0.5", "100.5", "\"NaN\""}) {
            assertRefusal("""
                {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "visit_percentage": %s}}""".formatted(bad),
                LineKnn.HAS_VISIT_PERCENTAGE ? "[latent_knn] [visit_percentage] must be within [0, 100]"
                    : "[latent_knn] [visit_percentage] needs Elasticsearch 9.2 or later");
        }
        if (LineKnn.HAS_VISIT_PERCENTAGE == false) {
            assertRefusal("""
                {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "visit_percentage": 10}}""",
                "[latent_knn] [visit_percentage] needs Elasticsearch 9.2 or later");
        }
    }

    /**
     * The options reach Elasticsearch's knn query as given. On a quantized field ({@code int8_hnsw}) an oversample changes
     * the shard's Lucene query (more candidates, rescored on the raw vectors); on a float HNSW field Elasticsearch ignores
     * it, and so does the Lucene query this query becomes.
     */
    public void testTheRewrittenKnnQueryCarriesTheOptions() throws IOException {
        float[] vector = randomQueryVector();
        Float visitPercentage = LatentMixedKnnQueryBuilderQueryTests.randomVisitPercentage();
        for (String field : new String[] {"emb_int8", "emb_cosine"}) {
            LatentKnnQueryBuilder rescored = new LatentKnnQueryBuilder(field, vector, FIELD_MODELS.get(field), ModelRecord.QUERY_ROLE, 5,
                50, QueryMethod.AUTO, List.of(), null, null, null, null, null, new RescoreVectorBuilder(4f), visitPercentage, NO_SERVICE,
                new FieldModelCache());
            QueryBuilder expected = LineKnn.knn(field, vector, 5, 50, visitPercentage, new RescoreVectorBuilder(4f), null, List.of());
            assertThat(rewriteAndFetch(rescored, coordinatorContext()), equalTo(expected));
            LatentKnnQueryBuilder plain = new LatentKnnQueryBuilder(field, vector, FIELD_MODELS.get(field), ModelRecord.QUERY_ROLE, 5,
                50, QueryMethod.AUTO, List.of(), null, null, null, null, null, null, visitPercentage, NO_SERVICE, new FieldModelCache());
            SearchExecutionContext shard = createSearchExecutionContext();
            Query withRescore = rewriteQuery(rescored, shard).toQuery(shard);
            Query without = rewriteQuery(plain, createSearchExecutionContext()).toQuery(createSearchExecutionContext());
            assertThat(field + ": rescore_vector changes the knn query of a quantized field only", withRescore.equals(without),
                equalTo(field.equals("emb_cosine")));
        }
    }

    /** A mixed search passes the options on to the mixed query, which gives them to both of its knn queries. */
    public void testAMixedSearchCarriesTheOptions() throws IOException {
        float[] vector = randomQueryVector();
        Float visitPercentage = LatentMixedKnnQueryBuilderQueryTests.randomVisitPercentage();
        LatentKnnQueryBuilder query = new LatentKnnQueryBuilder("emb_cosine", vector, "model-a", ModelRecord.QUERY_ROLE, 4, 40,
            QueryMethod.AUTO, List.of(), null, null, "emb_plain", 0.6f, null, new RescoreVectorBuilder(2f), visitPercentage, NO_SERVICE,
            new FieldModelCache());
        assertThat(rewriteAndFetch(query, coordinatorContext()), equalTo(new LatentMixedKnnQueryBuilder("emb_cosine", "emb_plain", vector,
            0.6f, 4, 40, List.of(), null, new RescoreVectorBuilder(2f), visitPercentage,
            Map.of("model-a|unit", new LatentMixedKnnQueryBuilder.Translated(vector, ScoreCalibration.IDENTITY)), Map.of())));
    }

    /** Parsing {@code json} fails as a parsing error (400) whose message, or its cause's, holds {@code fragment}. */
    private void assertRefusal(String json, String fragment) {
        Exception e = expectThrows(Exception.class, () -> parseQuery(json));
        assertThat("a parsing error (400), Elasticsearch's or the parser's", e, anyOf(instanceOf(ParsingException.class),
            instanceOf(XContentParseException.class)));
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append(" | ");
        }
        assertThat(messages.toString(), containsString(fragment));
    }

    public void testTheServiceTakesNoPartInEqualityNorInTheWireForm() throws IOException {
        LatentKnnQueryBuilder query = createTestQueryBuilder();
        LatentKnnQueryBuilder withAnotherService = copyQuery(query); // read back with the plugin's own supplier
        assertThat(withAnotherService, equalTo(query));
        assertThat(withAnotherService.hashCode(), equalTo(query.hashCode()));
    }

    /** A random rotation of {@code DIMS} dimensions, row-major: Gram-Schmidt on Gaussian rows. */
    private static double[][] randomRotation() {
        double[][] r = new double[DIMS][DIMS];
        for (int i = 0; i < DIMS; i++) {
            for (int d = 0; d < DIMS; d++) {
                r[i][d] = random().nextGaussian();
            }
            for (int j = 0; j < i; j++) {
                double dot = 0;
                for (int d = 0; d < DIMS; d++) {
                    dot += r[i][d] * r[j][d];
                }
                for (int d = 0; d < DIMS; d++) {
                    r[i][d] -= dot * r[j][d];
                }
            }
            double norm = 0;
            for (int d = 0; d < DIMS; d++) {
                norm += r[i][d] * r[i][d];
            }
            for (int d = 0; d < DIMS; d++) {
                r[i][d] /= Math.sqrt(norm);
            }
        }
        return r;
    }

    private static float[] rotate(double[][] rotation, float[] v) {
        float[] out = new float[DIMS];
        for (int i = 0; i < DIMS; i++) {
            double sum = 0;
            for (int d = 0; d < DIMS; d++) {
                sum += rotation[i][d] * v[d];
            }
            out[i] = (float) sum;
        }
        return out;
    }

    private static ModelRecord model(String name, long generation) {
        return new ModelRecord(name, DIMS, null, List.of(ModelRecord.DOCUMENT_ROLE), 1,
            Map.of(ModelRecord.DOCUMENT_ROLE, new ModelRecord.RoleAnchors(ANCHORS, generation,
                List.of(new ModelRecord.Segment(generation, ANCHORS, 1)), Map.of(), Map.of())), 0L, 0, 1);
    }

    /**
     * Stores models {@code src} and {@code model-a} (the field {@code emb_cosine}'s) and the translator between them: an
     * orthogonal map fitted by core on anchors that are a random rotation of one another. Returns the fitted translator.
     */
    private Translator storeTranslatedModels(double[][] rotation) {
        documents = new StoredDocuments(randomFrom(XContentType.values()));
        List<String> ids = new ArrayList<>();
        List<float[]> source = new ArrayList<>(), target = new ArrayList<>();
        double[] mean = new double[DIMS];
        for (int i = 0; i < ANCHORS; i++) {
            float[] v = new float[DIMS];
            for (int d = 0; d < DIMS; d++) {
                v[d] = (float) random().nextGaussian();
                mean[d] += v[d] / ANCHORS;
            }
            ids.add("a" + i);
            source.add(v);
        }
        for (float[] v : source) {
            // centred, so that the fit's centring leaves the rotation alone and a query maps to exactly its rotation
            for (int d = 0; d < DIMS; d++) {
                v[d] -= (float) mean[d];
            }
            target.add(rotate(rotation, v));
        }
        Translator translator = TranslatorFitter.fit(AnchorSet.of(DIMS, ids, source), AnchorSet.of(DIMS, ids, target),
            FitOptions.defaults().withMethod(Method.ORTHOGONAL).withParallelism(1).withSeed(randomLong())).translator();
        long sourceGeneration = randomNonNegativeLong(), targetGeneration = randomNonNegativeLong();
        documents.put(model(SOURCE_MODEL, sourceGeneration));
        documents.put(model("model-a", targetGeneration));
        documents.put(new TranslatorRecord(SOURCE_MODEL, ModelRecord.DOCUMENT_ROLE, "model-a", ModelRecord.DOCUMENT_ROLE, 1,
            randomAlphaOfLength(20), sourceGeneration, targetGeneration, Map.of(), BinaryCodec.encode(translator)));
        return translator;
    }

    private static float[] randomQueryVector() {
        float[] vector = new float[DIMS];
        for (int i = 0; i < DIMS; i++) {
            vector[i] = randomFloatBetween(-1f, 1f, true);
        }
        vector[0] = 2f; // never the zero vector, which cosine refuses
        return vector;
    }

    /**
     * A query vector of another model: on a cache miss the coordinator's rewrite registers an async action that loads
     * the models and the translator through the store; once it ran, the query becomes Elasticsearch's knn query with
     * the translator's own output. A second query then finds everything cached and rewrites synchronously, reading
     * nothing.
     */
    public void testTranslatedRewriteLoadsOnAMissAndIsSynchronousOnAHit() throws IOException {
        double[][] rotation = randomRotation();
        Translator translator = storeTranslatedModels(rotation);
        TranslationService service = StoredDocuments.translationService(createSearchExecutionContext().getClient());

        float[] vector = randomQueryVector();
        Integer k = randomBoolean() ? null : randomIntBetween(1, 100);
        Integer numCandidates = randomBoolean() ? null : randomIntBetween(k == null ? 1 : k, 10_000);
        List<QueryBuilder> filters = randomBoolean() ? List.of()
            : List.of(new TermQueryBuilder(KEYWORD_FIELD_NAME, randomAlphaOfLength(5)));
        Float similarity = randomBoolean() ? null : randomFloat();
        float boost = randomFloatBetween(0.5f, 4f, true);
        String name = randomBoolean() ? null : randomAlphaOfLength(6);
        RescoreVectorBuilder rescore = LatentMixedKnnQueryBuilderQueryTests.randomRescoreVector();
        Float visitPercentage = LatentMixedKnnQueryBuilderQueryTests.randomVisitPercentage();
        LatentKnnQueryBuilder query = (LatentKnnQueryBuilder) new LatentKnnQueryBuilder("emb_cosine", vector, SOURCE_MODEL,
            randomFrom(ModelRecord.QUERY_ROLE, ModelRecord.DOCUMENT_ROLE), k, numCandidates, QueryMethod.AUTO, filters, similarity, null,
            null, null, null, rescore, visitPercentage, () -> service, new FieldModelCache()).boost(boost).queryName(name);

        // the field's similarity is cosine: the translated vector is unit length
        float[] translated = translator.translate(vector, true);
        float[] rotated = rotate(rotation, vector);
        Vectors.normalizeInPlace(rotated);
        assertArrayEquals("the fitted translator recovers the rotation", rotated, translated, 1e-4f);
        QueryBuilder expected = LineKnn.knn("emb_cosine", translated, k, numCandidates, visitPercentage, rescore, similarity, filters)
            .boost(boost).queryName(name);

        QueryRewriteContext miss = coordinatorContext();
        QueryBuilder pending = query.rewrite(miss);
        assertThat("nothing is cached: the translation is fetched asynchronously", miss.hasAsyncActions(), equalTo(true));
        assertThat(pending, instanceOf(LatentKnnQueryBuilder.class));
        assertThat("the coordinator's rewrite reads nothing itself", documents.gets(), equalTo(0));
        PlainActionFuture<Void> fetched = new PlainActionFuture<>();
        miss.executeAsyncActions(fetched);
        fetched.actionGet();
        assertThat("both models and the translator's record and binary form", documents.gets(), equalTo(4));
        assertThat(Rewriteable.rewrite(pending, miss, true), equalTo(expected));

        LatentKnnQueryBuilder again = new LatentKnnQueryBuilder("emb_cosine", vector, SOURCE_MODEL, ModelRecord.QUERY_ROLE, k,
            numCandidates, QueryMethod.AUTO, filters, similarity, null, null, null, null, rescore, visitPercentage, () -> service,
            new FieldModelCache());
        again.boost(boost).queryName(name);
        QueryRewriteContext hit = coordinatorContext();
        assertThat("everything is cached: the coordinator rewrites at once", Rewriteable.rewrite(again, hit, true), equalTo(expected));
        assertThat(hit.hasAsyncActions(), equalTo(false));
        assertThat("a hit reads nothing", documents.gets(), equalTo(4));

        // the framework's own fetch loop and the shard's Lucene query agree
        assertThat(rewriteAndFetch(query, coordinatorContext()), equalTo(expected));
        SearchExecutionContext shard = createSearchExecutionContext();
        assertThat(rewriteQuery(query, shard).toQuery(shard),
            equalTo(rewriteAndFetch(expected, new SearchExecutionContext(shard)).toQuery(new SearchExecutionContext(shard))));
    }

    /** No translator fitted for the pair: the search fails as the query's fault (400), saying what to fit. */
    public void testAMissingTranslatorIsABadRequestSayingWhatToFit() {
        storeTranslatedModels(randomRotation());
        documents.put(model("model-b", randomNonNegativeLong()));
        TranslationService service = StoredDocuments.translationService(createSearchExecutionContext().getClient());
        LatentKnnQueryBuilder query = new LatentKnnQueryBuilder("emb_l2", randomQueryVector(), SOURCE_MODEL, ModelRecord.QUERY_ROLE, null,
            null, QueryMethod.AUTO, List.of(), null, null, () -> service, new FieldModelCache());
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> rewriteAndFetch(query, coordinatorContext()));
        assertThat(e.getMessage(), containsString("PUT /_latent/translator/" + SOURCE_MODEL + "/model-b"));
        assertThat(e.getMessage(), containsString("[method: inverse_relative]"));
    }

    public void testMigrationOptionsParseAndRoundTrip() throws IOException {
        LatentKnnQueryBuilder q = (LatentKnnQueryBuilder) parseQuery("""
            {"latent_knn": {"field": "emb", "query_vector": [1, 2], "model": "m", "native_field": "emb_b", "native_weight": 0.25,
              "k": 3, "num_candidates": 30, "similarity": 0.1, "boost": 2, "_name": "migrating"}}""");
        assertThat(q.toString(), containsString("\"native_field\" : \"emb_b\""));
        assertThat(q.toString(), containsString("\"native_weight\" : 0.25"));
        assertThat("the native field takes part in equality", q, not(equalTo(parseQuery("""
            {"latent_knn": {"field": "emb", "query_vector": [1, 2], "model": "m", "native_field": "emb_c", "native_weight": 0.25,
              "k": 3, "num_candidates": 30, "similarity": 0.1, "boost": 2, "_name": "migrating"}}"""))));
        assertThat(copyQuery(q), equalTo(q));
        assertThat(parseQuery(Strings.toString(q)), equalTo(q));
        LatentKnnQueryBuilder calibrated = (LatentKnnQueryBuilder) parseQuery("""
            {"latent_knn": {"field": "emb", "query_vector": [1, 2], "model": "m", "calibrated": true}}""");
        assertThat(calibrated.toString(), containsString("\"calibrated\" : true"));
        assertThat(copyQuery(calibrated), equalTo(calibrated));
        assertThat(calibrated, not(equalTo(parseQuery("""
            {"latent_knn": {"field": "emb", "query_vector": [1, 2], "model": "m"}}"""))));
    }

    public void testBadMigrationOptionsNameTheProblem() {
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "native_field": "b", "native_weight": 1.01}}""",
            "[native_weight] must be within [0, 1]");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "native_field": "b", "native_weight": -1}}""",
            "[native_weight] must be within [0, 1]");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "native_field": "b", "native_weight": "x"}}""",
            "native_weight");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "native_weight": 0.5}}""",
            "[native_weight] weighs [native_field], which is not given");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "native_field": ""}}""", "[native_field] must not be empty");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "native_field": "b", "calibrated": false}}""",
            "drop [calibrated: false]");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "native_field": "b", "method": "inverse_relative"}}""",
            "[native_field] needs calibrated scores");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "calibrated": true, "method": "inverse_relative"}}""",
            "[calibrated] needs calibrated scores");
        assertRefusal("""
            {"latent_knn": {"field": "emb", "model": "m", "query_vector": [1], "calibrated": "maybe"}}""", "calibrated");
    }

    private static LatentKnnQueryBuilder migrating(String model, float[] vector, String nativeField, Boolean calibrated,
                                                   Supplier<TranslationService> service) {
        return new LatentKnnQueryBuilder("emb_cosine", vector, model, ModelRecord.QUERY_ROLE, 4, 40, QueryMethod.AUTO, List.of(), null,
            null, nativeField, nativeField == null ? null : 0.6f, calibrated, service, new FieldModelCache());
    }

    /** The field's own model needs no translation: the mixed query gets the query vector and the identity calibration. */
    public void testAMixedSearchRewritesToTheMixedQueryWithEachFieldModelsCalibration() throws IOException {
        float[] vector = randomQueryVector();
        QueryBuilder rewritten = rewriteAndFetch(migrating("model-a", vector, "emb_plain", null, NO_SERVICE), coordinatorContext());
        assertThat(rewritten, equalTo(new LatentMixedKnnQueryBuilder("emb_cosine", "emb_plain", vector, 0.6f, 4, 40, List.of(), null,
            null, null, Map.of("model-a|unit", new LatentMixedKnnQueryBuilder.Translated(vector, ScoreCalibration.IDENTITY)), Map.of())));
        SearchExecutionContext shard = createSearchExecutionContext();
        assertThat(rewriteQuery(migrating("model-a", vector, "emb_plain", null, NO_SERVICE), shard).toQuery(shard),
            instanceOf(MixedKnnQuery.class));
        QueryBuilder calibrated = rewriteAndFetch(migrating("model-a", vector, null, true, NO_SERVICE), coordinatorContext());
        assertThat(calibrated, equalTo(new LatentMixedKnnQueryBuilder("emb_cosine", null, null, LatentKnnQueryBuilder.DEFAULT_NATIVE_WEIGHT,
            4, 40, List.of(), null, null, null,
            Map.of("model-a|unit", new LatentMixedKnnQueryBuilder.Translated(vector, ScoreCalibration.IDENTITY)), Map.of())));
        assertThat("an index without the native field is searched through the translated field alone",
            rewriteAndFetch(migrating("model-a", vector, "emb_nowhere", null, NO_SERVICE), coordinatorContext()),
            instanceOf(LatentMixedKnnQueryBuilder.class));
    }

    public void testABadNativeFieldIsRefusedOnTheCoordinator() {
        float[] vector = randomQueryVector();
        assertThat(expectThrows(IllegalArgumentException.class, () -> rewriteAndFetch(migrating("model-a", vector, TEXT_FIELD_NAME, null,
            NO_SERVICE), coordinatorContext())).getMessage(), containsString("[native_field] [" + TEXT_FIELD_NAME + "] of index ["
            + getIndex().getName() + "] is of type [text], not [dense_vector]"));
        assertThat(expectThrows(IllegalArgumentException.class, () -> rewriteAndFetch(migrating("model-a", vector, "emb_wide", null,
            NO_SERVICE), coordinatorContext())).getMessage(), containsString("[query_vector] has [3] dimensions but [native_field] "
            + "[emb_wide] of index [" + getIndex().getName() + "] holds [4]"));
        assertThat(expectThrows(IllegalArgumentException.class, () -> rewriteAndFetch(migrating("model-a", vector, "emb_l2", null,
            NO_SERVICE), coordinatorContext())).getMessage(), containsString("[native_field] [emb_l2] of index [" + getIndex().getName()
            + "] holds vectors of model [model-b] (its [meta.latent_model]), but [query_vector] is of model [model-a]"));
    }

    /** A translator stored without a calibration (fitted before calibrations existed) cannot be mixed: refit it. */
    public void testATranslatorWithoutCalibrationIsABadRequestSayingHowToRefit() {
        storeTranslatedModels(randomRotation());
        TranslationService service = StoredDocuments.translationService(createSearchExecutionContext().getClient());
        for (String nativeField : new String[] {"emb_plain", null}) {
            IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> rewriteAndFetch(migrating(SOURCE_MODEL,
                randomQueryVector(), nativeField, nativeField == null ? true : null, () -> service), coordinatorContext()));
            assertThat(e.getMessage(), containsString("translator [" + SOURCE_MODEL + " -> model-a] was fitted before score calibration "
                + "existed; fit it again: PUT /_latent/translator/" + SOURCE_MODEL + "/model-a"));
        }
    }
}
