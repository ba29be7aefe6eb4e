package org.latentbridge.plugin.compat;

import org.elasticsearch.TransportVersion;
import org.elasticsearch.action.ResolvedIndices;
import org.elasticsearch.index.query.QueryRewriteContext;
import org.elasticsearch.transport.RemoteClusterAware;
import org.elasticsearch.xcontent.XContentParserConfiguration;

/** Test contexts whose constructors differ between Elasticsearch lines (9.x adds the transport version and cluster alias). */
public final class TestRewriteContexts {
    private TestRewriteContexts() {}

    /** A coordinating node's rewrite context over {@code indices}, with no client (nothing may be fetched). */
    public static QueryRewriteContext coordinator(XContentParserConfiguration parserConfig, long nowInMillis, ResolvedIndices indices) {
        return new QueryRewriteContext(parserConfig, null, () -> nowInMillis, TransportVersion.current(),
            RemoteClusterAware.LOCAL_CLUSTER_GROUP_KEY, indices, null, null, null);
    }
}
