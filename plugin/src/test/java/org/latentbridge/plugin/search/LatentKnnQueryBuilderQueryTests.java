package org.latentbridge.plugin.search;

import org.apache.lucene.search.Query;
import org.elasticsearch.action.MockResolvedIndices;
import org.elasticsearch.action.OriginalIndices;
import org.elasticsearch.action.support.IndicesOptions;
import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.cluster.metadata.MappingMetadata;
import org.elasticsearch.common.Strings;
import org.elasticsearch.common.compress.CompressedXContent;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.index.IndexVersion;
import org.elasticsearch.index.mapper.MapperService;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.index.query.TermQueryBuilder;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.search.vectors.KnnVectorQueryBuilder;
import org.elasticsearch.test.AbstractQueryTestCase;
import org.elasticsearch.xcontent.XContentParserConfiguration;
import org.elasticsearch.xcontent.XContentType;
import org.latentbridge.plugin.LatentBridgePlugin;
import org.latentbridge.plugin.compat.EsApi;
import org.latentbridge.plugin.compat.TestRewriteContexts;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;

/**
 * {@code latent_knn} under Elasticsearch's query tests: random instances (boost, name, filters, similarity, role, method,
 * field model), XContent and wire round trips, equality, and the two-step rewrite (coordinating node, then shard) to
 * Elasticsearch's own {@code knn} query.
 *
 * <p>Every instance searches a field whose model is the query's own (from the mapping's {@code meta.latent_model} or
 * from {@code field_model}), so the rewrite needs no translation: a translation is reached only through the node's
 * translation service, which a query test has no node for.
 */
public class LatentKnnQueryBuilderQueryTests extends AbstractQueryTestCase<LatentKnnQueryBuilder> {
    private static final int DIMS = 3;
    /** Fields by the model their mapping names. */
    private static final Map<String, String> FIELD_MODELS = Map.of("emb_cosine", "model-a", "emb_l2", "model-b");

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
                         "meta": {"latent_model": "model-b"}}
            }}""", DIMS, DIMS)), MapperService.MergeReason.MAPPING_UPDATE);
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
            randomFrom("auto", "inverse_relative"), filters, randomBoolean() ? null : randomFloat(), overrideFieldModel ? model : null);
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
        return TestRewriteContexts.coordinator(XContentParserConfiguration.EMPTY.withRegistry(xContentRegistry()), System.currentTimeMillis(),
            resolved);
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
        KnnVectorQueryBuilder expected = EsApi.knn((String) o.get("field"), vector, (Integer) o.get("k"), (Integer) o.get("num_candidates"),
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
        LatentKnnQueryBuilder query = new LatentKnnQueryBuilder("emb_cosine", new float[] {1f, 0f, 0f}, "model-b", "query", 5, 50, "auto",
            List.of(), null, null);
        QueryBuilder rewritten = rewriteAndFetch(query, TestRewriteContexts.coordinator(XContentParserConfiguration.EMPTY, 0L,
            new MockResolvedIndices(Map.of(), new OriginalIndices(new String[0], IndicesOptions.DEFAULT), Map.of())));
        assertThat("no index to search: nothing to translate, the query stays as it is", rewritten, equalTo(query));
    }

    public void testDimensionMismatchOfTheQueryModelIsRefusedOnTheCoordinator() {
        LatentKnnQueryBuilder query = new LatentKnnQueryBuilder("emb_cosine", new float[] {1f, 0f}, "model-a", "query", null, null, "auto",
            List.of(), null, null);
        IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> rewriteAndFetch(query, coordinatorContext()));
        assertThat(e.getMessage(), containsString("[query_vector] has [2] dimensions but field [emb_cosine]"));
    }

    public void testAMissingOrNonVectorFieldIsRefusedOnTheCoordinator() {
        LatentKnnQueryBuilder missing = new LatentKnnQueryBuilder("nope", new float[] {1f, 0f, 0f}, "model-a", "query", null, null, "auto",
            List.of(), null, null);
        assertThat(expectThrows(IllegalArgumentException.class, () -> rewriteAndFetch(missing, coordinatorContext())).getMessage(),
            containsString("field [nope] does not exist"));
        LatentKnnQueryBuilder text = new LatentKnnQueryBuilder(TEXT_FIELD_NAME, new float[] {1f, 0f, 0f}, "model-a", "query", null, null,
            "auto", List.of(), null, null);
        assertThat(expectThrows(IllegalArgumentException.class, () -> rewriteAndFetch(text, coordinatorContext())).getMessage(),
            containsString("not [dense_vector]"));
    }
}
