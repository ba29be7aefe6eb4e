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
import org.latentbridge.plugin.compat.NodesModelsRequest;

import java.io.IOException;
import java.util.List;

/**
 * Drops the cache entries of some models on every node. The plugin runs it after every write, under a stashed
 * context: it is part of the write, not a user action, hence an {@code internal:} name no role grants.
 */
public final class InvalidateCacheAction {
    public static final String NAME = "internal:latent/cache/invalidate";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private InvalidateCacheAction() {}

    /**
     * The per-node part of a {@link NodesModelsRequest}, sent over the transport layer. An {@link ActionRequest} only
     * because that is the transport-request class both Elasticsearch lines share (8.19's {@code TransportRequest} is a
     * class, 9.x's an interface implemented by {@code AbstractTransportRequest}).
     */
    public static final class NodeRequest extends ActionRequest {
        private final List<String> models;

        public NodeRequest(List<String> models) {
            this.models = List.copyOf(models);
        }

        public NodeRequest(StreamInput in) throws IOException {
            super(in);
            models = in.readStringCollectionAsImmutableList();
        }

        @Override
        public ActionRequestValidationException validate() {
            return null;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeStringCollection(models);
        }

        public List<String> models() {
            return models;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NodeRequest r && models.equals(r.models);
        }

        @Override
        public int hashCode() {
            return models.hashCode();
        }
    }

    /** A node's acknowledgement; nothing else to say. */
    public static final class NodeResponse extends BaseNodeResponse {
        public NodeResponse(DiscoveryNode node) {
            super(node);
        }

        public NodeResponse(StreamInput in, DiscoveryNode node) throws IOException {
            super(in, node);
        }
    }

    public static final class Response extends BaseNodesResponse<NodeResponse> {
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
    }
}
