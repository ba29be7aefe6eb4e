package org.latentbridge.plugin.compat;

import org.elasticsearch.common.cache.Cache;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.indices.SystemIndexDescriptor;
import org.elasticsearch.search.vectors.KnnVectorQueryBuilder;
import org.elasticsearch.search.vectors.RescoreVectorBuilder;

import java.util.List;

/** Calls whose signatures differ between Elasticsearch lines. */
public final class EsApi {
    private EsApi() {}

    /** Whether Elasticsearch's kNN query takes {@code visit_percentage} (added in 9.x). */
    public static final boolean KNN_HAS_VISIT_PERCENTAGE = true;

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

    /** A system index descriptor builder. */
    public static SystemIndexDescriptor.Builder systemIndexDescriptor() {
        return SystemIndexDescriptor.builder();
    }

    public static long evictions(Cache<?, ?> cache) {
        return cache.stats().getEvictions();
    }
}
