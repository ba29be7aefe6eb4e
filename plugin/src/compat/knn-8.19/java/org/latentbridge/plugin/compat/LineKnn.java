package org.latentbridge.plugin.compat;

import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.search.vectors.KnnVectorQueryBuilder;
import org.elasticsearch.search.vectors.RescoreVectorBuilder;

import java.util.List;

/** Elasticsearch's own kNN query, as 8.19, 9.0 and 9.1 build it: with {@code rescore_vector}, without {@code visit_percentage}. */
public final class LineKnn {
    private LineKnn() {}

    /** Whether Elasticsearch's kNN query takes {@code visit_percentage}: from 9.2. */
    public static final boolean HAS_VISIT_PERCENTAGE = false;

    /** Elasticsearch's own kNN query, with its default for {@code rescore_vector}. */
    public static KnnVectorQueryBuilder knn(String field, float[] vector, Integer k, Integer numCandidates, Float similarity,
                                            List<QueryBuilder> filters) {
        return knn(field, vector, k, numCandidates, null, null, similarity, filters);
    }

    /**
     * Elasticsearch's own kNN query; a null {@code rescoreVector} leaves Elasticsearch's default. {@code visitPercentage} must be
     * null: this release's knn query has no such option (callers refuse it first, see {@link #HAS_VISIT_PERCENTAGE}).
     */
    public static KnnVectorQueryBuilder knn(String field, float[] vector, Integer k, Integer numCandidates, Float visitPercentage,
                                            RescoreVectorBuilder rescoreVector, Float similarity, List<QueryBuilder> filters) {
        if (visitPercentage != null) {
            throw new IllegalArgumentException("[visit_percentage] needs Elasticsearch 9.2 or later");
        }
        return new KnnVectorQueryBuilder(field, vector, k, numCandidates, rescoreVector, similarity).addFilterQueries(filters);
    }
}
