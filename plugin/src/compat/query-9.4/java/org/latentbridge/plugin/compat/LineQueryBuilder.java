package org.latentbridge.plugin.compat;

import org.apache.lucene.search.Query;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.index.query.AbstractQueryBuilder;
import org.elasticsearch.index.query.SearchExecutionContext;
import org.elasticsearch.search.internal.MaxClauseCountQueryVisitor;

import java.io.IOException;

/**
 * A query builder; 9.x hands {@code doToQuery} a clause-count visitor, which visits the built query (as Elasticsearch's
 * leaf queries do), so its clauses count against the limit and the circuit breaker.
 */
public abstract class LineQueryBuilder<Q extends LineQueryBuilder<Q>> extends AbstractQueryBuilder<Q> {

    protected LineQueryBuilder() {}

    protected LineQueryBuilder(StreamInput in) throws IOException {
        super(in);
    }

    protected abstract Query toLuceneQuery(SearchExecutionContext context) throws IOException;

    @Override
    protected final Query doToQuery(SearchExecutionContext context, MaxClauseCountQueryVisitor visitor) throws IOException {
        Query query = toLuceneQuery(context);
        if (query != null) {
            query.visit(visitor);
        }
        return query;
    }
}
