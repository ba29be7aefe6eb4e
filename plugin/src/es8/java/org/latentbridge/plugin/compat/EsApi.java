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

    /** Whether Elasticsearch's kNN query takes {@code visit_percentage}: not before 9.x. */
    public static final boolean KNN_HAS_VISIT_PERCENTAGE = false;

    /** Elasticsearch's own kNN query, with its default for {@code rescore_vector}. */
    public static KnnVectorQueryBuilder knn(String field, float[] vector, Integer k, Integer numCandidates, Float similarity,
                                            List<QueryBuilder> filters) {
        return knn(field, vector, k, numCandidates, null, null, similarity, filters);
    }

    /**
     * Elasticsearch's own kNN query; a null {@code rescoreVector} leaves Elasticsearch's default. {@code visitPercentage} must be
     * null: this line's knn query has no such option (callers refuse it first, see {@link #KNN_HAS_VISIT_PERCENTAGE}).
     */
    public static KnnVectorQueryBuilder knn(String field, float[] vector, Integer k, Integer numCandidates, Float visitPercentage,
                                            RescoreVectorBuilder rescoreVector, Float similarity, List<QueryBuilder> filters) {
        if (visitPercentage != null) {
            throw new IllegalArgumentException("[visit_percentage] needs Elasticsearch 9.x");
        }
        return new KnnVectorQueryBuilder(field, vector, k, numCandidates, rescoreVector, similarity).addFilterQueries(filters);
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
