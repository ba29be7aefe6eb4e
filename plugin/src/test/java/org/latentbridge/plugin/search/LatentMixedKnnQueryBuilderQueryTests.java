package org.latentbridge.plugin.search;

import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.elasticsearch.common.ParsingException;
import org.elasticsearch.common.Strings;
import org.elasticsearch.common.compress.CompressedXContent;
import org.elasticsearch.index.mapper.MapperService;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.index.query.TermQueryBuilder;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.search.SearchService;
import org.elasticsearch.search.vectors.RescoreVectorBuilder;
import org.elasticsearch.test.AbstractQueryTestCase;
import org.elasticsearch.xcontent.XContentParseException;
import org.latentbridge.core.fit.ScoreCalibration;
import org.latentbridge.plugin.LatentBridgePlugin;
import org.latentbridge.plugin.compat.LineKnn;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;

/**
 * {@code latent_mixed_knn}, what {@code latent_knn} with {@code native_field} or {@code calibrated} becomes on its way to
 * the shards, under Elasticsearch's query tests: random instances (one translation or several keyed by index, with and
 * without a native field, mapped or not in the test index), XContent and wire round trips, equality, and the shard's
 * Lucene query: a {@link MixedKnnQuery} over Elasticsearch's own knn queries for both fields, with the query's
 * {@code rescore_vector} and {@code visit_percentage}. The translated field is quantized ({@code int8_hnsw}), so that
 * {@code rescore_vector} changes its knn query.
 */
public class LatentMixedKnnQueryBuilderQueryTests extends AbstractQueryTestCase<LatentMixedKnnQueryBuilder> {
    private static final int DIMS = 3;

    @Override
    protected Collection<Class<? extends Plugin>> getPlugins() {
        return List.of(LatentBridgePlugin.class);
    }

    @Override
    protected void initializeAdditionalMappings(MapperService mapperService) throws IOException {
        mapperService.merge("_doc", new CompressedXContent(Strings.format("""
            {"properties": {
              "emb_old": {"type": "dense_vector", "dims": %d, "index": true, "similarity": "cosine",
                          "index_options": {"type": "int8_hnsw"},
                          "meta": {"latent_model": "model-a"}},
              "emb_new": {"type": "dense_vector", "dims": %d, "index": true, "similarity": "cosine", "index_options": {"type": "hnsw"},
                          "meta": {"latent_model": "model-b"}}
            }}""", DIMS, DIMS)), MapperService.MergeReason.MAPPING_UPDATE);
    }

    private static float[] randomVector() {
        float[] v = new float[DIMS];
        for (int i = 0; i < DIMS; i++) {
            v[i] = randomFloatBetween(-1f, 1f, true);
        }
        v[0] = 2f; // never the zero vector, which cosine refuses
        return v;
    }

    static ScoreCalibration randomCalibration() {
        if (randomBoolean()) {
            return ScoreCalibration.IDENTITY;
        }
        int knots = randomIntBetween(2, 6);
        double[] x = new double[knots], y = new double[knots];
        for (int i = 0; i < knots; i++) {
            x[i] = (i == 0 ? -1 : x[i - 1]) + randomDoubleBetween(0.01, 0.5, true);
            y[i] = (i == 0 ? -1 : y[i - 1]) + randomDoubleBetween(0, 0.5, true);
        }
        ScoreCalibration.Form form = randomFrom(ScoreCalibration.Form.AFFINE, ScoreCalibration.Form.QUANTILE,
            ScoreCalibration.Form.ISOTONIC);
        return new ScoreCalibration(form, x, y, randomIntBetween(1, 50), randomIntBetween(1, 1000), randomDouble(), randomDouble());
    }

    @Override
    protected LatentMixedKnnQueryBuilder doCreateTestQueryBuilder() {
        Map<String, LatentMixedKnnQueryBuilder.Translated> translations = new HashMap<>();
        Map<String, String> indexKeys = new HashMap<>();
        String ours = "model-a|unit";
        translations.put(ours, new LatentMixedKnnQueryBuilder.Translated(randomVector(), randomCalibration()));
        if (randomBoolean()) {
            // several indices of several field models: each shard takes its index's translation
            translations.put("model-c|raw", new LatentMixedKnnQueryBuilder.Translated(randomVector(), randomCalibration()));
            indexKeys.put(getIndex().getName(), ours);
            indexKeys.put("another-index", "model-c|raw");
        }
        // the native field mapped, mapped in no index here (searched through the translated field alone), or none
        String nativeField = randomFrom("emb_new", "emb_unmapped", null);
        Integer k = randomBoolean() ? null : randomIntBetween(1, 100);
        Integer numCandidates = randomBoolean() ? null : randomIntBetween(k == null ? 1 : k, 10_000);
        List<QueryBuilder> filters = new ArrayList<>();
        for (int i = randomIntBetween(0, 2); i > 0; i--) {
            filters.add(new TermQueryBuilder(KEYWORD_FIELD_NAME, randomAlphaOfLength(5)));
        }
        return new LatentMixedKnnQueryBuilder("emb_old", nativeField, nativeField == null ? null : randomVector(), randomFloat(), k,
            numCandidates, filters, randomBoolean() ? null : randomFloatBetween(-1f, 1f, true), randomRescoreVector(),
            randomVisitPercentage(), translations, indexKeys);
    }

    /** Elasticsearch's {@code rescore_vector}: none, off (0), or an oversample of at least 1. */
    static RescoreVectorBuilder randomRescoreVector() {
        return switch (randomIntBetween(0, 3)) {
            case 0 -> null;
            case 1 -> new RescoreVectorBuilder(0f);
            default -> new RescoreVectorBuilder(randomFloatBetween(1f, 10f, true));
        };
    }

    /** Elasticsearch's {@code visit_percentage}, on the line whose knn query takes it. */
    static Float randomVisitPercentage() {
        return LineKnn.HAS_VISIT_PERCENTAGE && randomBoolean() ? randomFloatBetween(0f, 100f, true) : null;
    }

    /** The Lucene query mixes Elasticsearch's own knn queries of this index's translated vector and of the native vector. */
    @Override
    protected void doAssertLuceneQuery(LatentMixedKnnQueryBuilder queryBuilder, Query query, SearchExecutionContext context)
        throws IOException {
        if (query instanceof MatchNoDocsQuery) {
            return;
        }
        assertThat(query, instanceOf(MixedKnnQuery.class));
        LatentMixedKnnQueryBuilder.Translated ours = queryBuilder.translations().get("model-a|unit");
        // Elasticsearch's knn defaults: the request's size, never above num_candidates
        Integer size = context.requestSize();
        int resolvedK = queryBuilder.k() != null ? queryBuilder.k() : size == null || size < 0 ? SearchService.DEFAULT_SIZE : size;
        if (queryBuilder.k() == null && queryBuilder.numCandidates() != null) {
            resolvedK = Math.min(resolvedK, queryBuilder.numCandidates());
        }
        Query oldKnn = LineKnn.knn("emb_old", ours.vector(), resolvedK, queryBuilder.numCandidates(), queryBuilder.visitPercentage(),
            queryBuilder.rescoreVector(), null, queryBuilder.filters()).toQuery(new SearchExecutionContext(context));
        boolean mapped = "emb_new".equals(queryBuilder.nativeField());
        Query newKnn = mapped ? LineKnn.knn("emb_new", queryBuilder.nativeVector(), resolvedK, queryBuilder.numCandidates(),
            queryBuilder.visitPercentage(), queryBuilder.rescoreVector(), null, queryBuilder.filters())
            .toQuery(new SearchExecutionContext(context)) : null;
        assertThat(query, equalTo(new MixedKnnQuery(oldKnn, "emb_old", ours.vector(), ours.calibration(), newKnn,
            mapped ? "emb_new" : null, mapped ? queryBuilder.nativeVector() : null, queryBuilder.nativeWeight(), resolvedK,
            queryBuilder.similarity())));
    }

    public void testBadInputNamesTheProblem() {
        String translations = """
            "translations": {"model-a|unit": {"vector": [1, 0, 0], "calibration": {"form": "identity", "x": [], "y": [], "top_ranks": 0,
              "queries": 0, "held_out_error": 0, "uncalibrated_error": 0}}}""";
        assertRefusal("{\"latent_mixed_knn\": {\"field\": \"emb_old\", \"native_weight\": 1.5, " + translations + "}}",
            "[native_weight] must be within [0, 1]");
        assertRefusal("{\"latent_mixed_knn\": {\"field\": \"emb_old\", \"native_weight\": -0.1, " + translations + "}}",
            "[native_weight] must be within [0, 1]");
        assertRefusal("{\"latent_mixed_knn\": {\"field\": \"emb_old\", \"native_field\": \"emb_new\", " + translations + "}}",
            "[native_field] and [native_vector] go together");
        assertRefusal("{\"latent_mixed_knn\": {\"field\": \"emb_old\"}}", "requires [translations]");
        assertRefusal("{\"latent_mixed_knn\": {\"field\": \"emb_old\", \"index_keys\": {\"i\": \"nope\"}, " + translations + "}}",
            "[index_keys][i] names [nope]");
        assertRefusal("""
            {"latent_mixed_knn": {"field": "emb_old", "translations": {"k": {"vector": [1], "calibration": {"form": "affine"}}}}}""",
            "[translations][k]");
        assertRefusal("{\"latent_mixed_knn\": {\"field\": \"emb_old\", \"k\": 0, " + translations + "}}", "[k] must be at least 1");
        assertRefusal("{\"latent_mixed_knn\": {\"field\": \"emb_old\", \"rescore_vector\": {\"oversample\": 0.5}, " + translations
            + "}}", "[oversample] must be >= 1.0 or 0");
        assertRefusal("{\"latent_mixed_knn\": {\"field\": \"emb_old\", \"visit_percentage\": 101, " + translations + "}}",
            LineKnn.HAS_VISIT_PERCENTAGE ? "[visit_percentage] must be within [0, 100]"
                : "[visit_percentage] needs Elasticsearch 9.2 or later");
    }

    /**
     * On the quantized field, {@code rescore_vector} reaches Elasticsearch's knn query and changes it (the candidates are
     * oversampled and rescored on the raw vectors); it takes part in equality and in the wire and XContent forms.
     */
    public void testRescoreVectorReachesTheKnnQueryOfTheQuantizedField() throws IOException {
        float[] vector = randomVector();
        Map<String, LatentMixedKnnQueryBuilder.Translated> translations = Map.of("model-a|unit",
            new LatentMixedKnnQueryBuilder.Translated(vector, ScoreCalibration.IDENTITY));
        LatentMixedKnnQueryBuilder plain = new LatentMixedKnnQueryBuilder("emb_old", null, null, 0.7f, 5, 50, List.of(), null, null,
            null, translations, Map.of());
        LatentMixedKnnQueryBuilder rescored = new LatentMixedKnnQueryBuilder("emb_old", null, null, 0.7f, 5, 50, List.of(), null,
            new RescoreVectorBuilder(3f), null, translations, Map.of());
        assertThat(rescored.equals(plain), equalTo(false));
        assertThat(copyQuery(rescored), equalTo(rescored));
        assertThat(parseQuery(Strings.toString(rescored)), equalTo(rescored));
        assertThat(Strings.toString(rescored), containsString("\"rescore_vector\":{\"oversample\":3.0}"));
        MixedKnnQuery withRescore = (MixedKnnQuery) rescored.toQuery(createSearchExecutionContext());
        MixedKnnQuery without = (MixedKnnQuery) plain.toQuery(createSearchExecutionContext());
        assertThat("the oversampled knn query is not the plain one", withRescore.equals(without), equalTo(false));
        Query expected = LineKnn.knn("emb_old", vector, 5, 50, null, new RescoreVectorBuilder(3f), null, List.of())
            .toQuery(createSearchExecutionContext());
        assertThat(withRescore, equalTo(new MixedKnnQuery(expected, "emb_old", vector, ScoreCalibration.IDENTITY, null, null, null,
            0.7f, 5, null)));
    }

    private void assertRefusal(String json, String fragment) {
        Exception e = expectThrows(Exception.class, () -> parseQuery(json));
        assertThat(e, anyOf(instanceOf(ParsingException.class), instanceOf(XContentParseException.class)));
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append(" | ");
        }
        assertThat(messages.toString(), containsString(fragment));
    }

    public void testAShardOfAnIndexWithoutATranslationFails() {
        LatentMixedKnnQueryBuilder query = new LatentMixedKnnQueryBuilder("emb_old", null, null, 0.7f, 5, null, List.of(), null, null,
            null, Map.of("a", new LatentMixedKnnQueryBuilder.Translated(randomVector(), ScoreCalibration.IDENTITY),
                "b", new LatentMixedKnnQueryBuilder.Translated(randomVector(), ScoreCalibration.IDENTITY)),
            Map.of("elsewhere", "a"));
        IllegalStateException e = expectThrows(IllegalStateException.class, () -> query.toQuery(createSearchExecutionContext()));
        assertThat(e.getMessage(), containsString("no translation for index [" + getIndex().getName() + "]"));
    }
}
