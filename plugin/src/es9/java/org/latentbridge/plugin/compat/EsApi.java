package org.latentbridge.plugin.compat;

import org.elasticsearch.common.cache.Cache;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.indices.SystemIndexDescriptor;
import org.elasticsearch.search.vectors.KnnVectorQueryBuilder;

import java.util.List;

/** Calls whose signatures differ between Elasticsearch lines. */
public final class EsApi {
    private EsApi() {}

    /** Elasticsearch's own kNN query (9.x adds {@code visit_percentage}, left at its default). */
    public static KnnVectorQueryBuilder knn(String field, float[] vector, Integer k, Integer numCandidates, Float similarity,
                                            List<QueryBuilder> filters) {
        return new KnnVectorQueryBuilder(field, vector, k, numCandidates, null, null, similarity).addFilterQueries(filters);
    }

    /** A system index descriptor builder. */
    public static SystemIndexDescriptor.Builder systemIndexDescriptor() {
        return SystemIndexDescriptor.builder();
    }

    public static long evictions(Cache<?, ?> cache) {
        return cache.stats().getEvictions();
    }
}
