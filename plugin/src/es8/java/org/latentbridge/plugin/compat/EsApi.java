package org.latentbridge.plugin.compat;

import org.elasticsearch.common.cache.Cache;
import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.indices.SystemIndexDescriptor;
import org.elasticsearch.search.vectors.KnnVectorQueryBuilder;

import java.util.List;

/** Calls whose signatures differ between Elasticsearch lines. */
public final class EsApi {
    private EsApi() {}

    /** Elasticsearch's own kNN query. */
    public static KnnVectorQueryBuilder knn(String field, float[] vector, Integer k, Integer numCandidates, Float similarity,
                                            List<QueryBuilder> filters) {
        return new KnnVectorQueryBuilder(field, vector, k, numCandidates, null, similarity).addFilterQueries(filters);
    }

    /** A system index descriptor builder; 8.19 insists on a node-version key in the mapping's {@code _meta} for a
     * managed index, though it reads it only on a best-effort basis (this plugin versions mappings by
     * {@code managed_index_mappings_version}). */
    public static SystemIndexDescriptor.Builder systemIndexDescriptor() {
        return SystemIndexDescriptor.builder().setVersionMetaKey("version");
    }

    public static long evictions(Cache<?, ?> cache) {
        return cache.stats().getEvictions();
    }
}
