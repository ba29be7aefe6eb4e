package org.latentbridge.plugin.compat;

import org.apache.lucene.search.Query;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.index.query.AbstractQueryBuilder;
import org.elasticsearch.index.query.SearchExecutionContext;

import java.io.IOException;

/** A query builder, through 8.19's {@code doToQuery} signature. */
public abstract class LineQueryBuilder<Q extends LineQueryBuilder<Q>> extends AbstractQueryBuilder<Q> {

    protected LineQueryBuilder() {}

    protected LineQueryBuilder(StreamInput in) throws IOException {
        super(in);
    }

    protected abstract Query toLuceneQuery(SearchExecutionContext context) throws IOException;

    @Override
    protected final Query doToQuery(SearchExecutionContext context) throws IOException {
        return toLuceneQuery(context);
    }
}
