package org.latentbridge.plugin.action.cache;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.FailedNodeException;
import org.elasticsearch.action.support.nodes.BaseNodeResponse;
import org.elasticsearch.action.support.nodes.BaseNodesResponse;
import org.elasticsearch.cluster.ClusterName;
import org.elasticsearch.cluster.node.DiscoveryNode;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@code GET /_latent/_stats}: every node's cache and translation counters. */
public final class CacheStatsAction {
    public static final String NAME = "cluster:monitor/latent/stats";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private CacheStatsAction() {}

    /** The per-node request: it carries nothing (see {@link InvalidateCacheAction.NodeRequest} for why an {@link ActionRequest}). */
    public static final class NodeRequest extends ActionRequest {
        public NodeRequest() {}

        public NodeRequest(StreamInput in) throws IOException {
            super(in);
        }

        @Override
        public ActionRequestValidationException validate() {
            return null;
        }
    }

    /** One node's counters, as its cache reports them. */
    public static final class NodeResponse extends BaseNodeResponse {
        private final Map<String, Object> stats;

        public NodeResponse(DiscoveryNode node, Map<String, Object> stats) {
            super(node);
            this.stats = stats;
        }

        public NodeResponse(StreamInput in, DiscoveryNode node) throws IOException {
            super(in, node);
            stats = in.readGenericMap();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeGenericMap(stats);
        }

        public Map<String, Object> stats() {
            return stats;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NodeResponse r && getNode().equals(r.getNode()) && stats.equals(r.stats);
        }

        @Override
        public int hashCode() {
            return Objects.hash(getNode(), stats);
        }
    }

    public static final class Response extends BaseNodesResponse<NodeResponse> implements ToXContentObject {
        public Response(ClusterName clusterName, List<NodeResponse> nodes, List<FailedNodeException> failures) {
            super(clusterName, nodes, failures);
        }

        @Override
        protected List<NodeResponse> readNodesFrom(StreamInput in) throws IOException {
            return in.readCollectionAsList(i -> new NodeResponse(i, null));
        }

        @Override
        protected void writeNodesTo(StreamOutput out, List<NodeResponse> nodes) throws IOException {
            out.writeCollection(nodes);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject();
            builder.startObject("_nodes").field("total", getNodes().size() + failures().size()).field("successful", getNodes().size())
                .field("failed", failures().size()).endObject();
            builder.startObject("nodes");
            for (NodeResponse n : getNodes()) {
                builder.field(n.getNode().getId(), n.stats);
            }
            builder.endObject();
            return builder.endObject();
        }
    }
}
