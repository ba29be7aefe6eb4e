package org.latentbridge.plugin.compat;

import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.search.vectors.KnnVectorQueryBuilder;
import org.elasticsearch.search.vectors.RescoreVectorBuilder;

import java.util.List;

/** Elasticsearch's own kNN query, as 9.2 and later build it: with {@code visit_percentage} and {@code rescore_vector}. */
public final class LineKnn {
    private LineKnn() {}

    /** Whether Elasticsearch's kNN query takes {@code visit_percentage}: from 9.2. */
    public static final boolean HAS_VISIT_PERCENTAGE = true;

    /** Elasticsearch's own kNN query, with its defaults for {@code visit_percentage} and {@code rescore_vector}. */
    public static KnnVectorQueryBuilder knn(String field, float[] vector, Integer k, Integer numCandidates, Float similarity,
                                            List<QueryBuilder> filters) {
        return knn(field, vector, k, numCandidates, null, null, similarity, filters);
    }

    /** Elasticsearch's own kNN query; a null {@code visitPercentage} or {@code rescoreVector} leaves Elasticsearch's default. */
    public static KnnVectorQueryBuilder knn(String field, float[] vector, Integer k, Integer numCandidates, Float visitPercentage,
                                            RescoreVectorBuilder rescoreVector, Float similarity, List<QueryBuilder> filters) {
        return new KnnVectorQueryBuilder(field, vector, k, numCandidates, visitPercentage, rescoreVector, similarity)
            .addFilterQueries(filters);
    }
}
