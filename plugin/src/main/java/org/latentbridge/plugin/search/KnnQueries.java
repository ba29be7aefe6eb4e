package org.latentbridge.plugin.search;

import org.elasticsearch.index.query.QueryBuilder;
import org.elasticsearch.search.vectors.KnnVectorQueryBuilder;

import java.util.List;

/**
 * The one place that builds Elasticsearch's own kNN query; its constructor differs between Elasticsearch lines
 * (9.x added {@code visit_percentage}), so a build for another line changes only this class.
 */
public final class KnnQueries {
    private KnnQueries() {}

    public static KnnVectorQueryBuilder knn(String field, float[] vector, Integer k, Integer numCandidates, Float similarity,
                                     List<QueryBuilder> filters) {
        return new KnnVectorQueryBuilder(field, vector, k, numCandidates, null, null, similarity).addFilterQueries(filters);
    }
}
