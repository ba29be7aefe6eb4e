package org.latentbridge.plugin.action;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.FailedNodeException;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.nodes.BaseNodeResponse;
import org.elasticsearch.action.support.nodes.BaseNodesResponse;
import org.elasticsearch.action.support.nodes.TransportNodesAction;
import org.elasticsearch.cluster.ClusterName;
import org.elasticsearch.cluster.node.DiscoveryNode;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.latentbridge.plugin.compat.NodesModelsRequest;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The per-node cache operations, broadcast to every node: {@link #INVALIDATE} drops the entries of the given models
 * (run by the plugin itself after every write, under a stashed context), {@link #STATS} reports each node's cache and
 * translation counters ({@code GET /_latent/_stats}).
 */
public final class NodesCacheAction {
    public static final ActionType<Response> INVALIDATE = new ActionType<>("internal:latent/cache/invalidate");
    public static final ActionType<Response> STATS = new ActionType<>("cluster:monitor/latent/stats");

    private NodesCacheAction() {}

    /**
     * The per-node part of a {@link NodesModelsRequest}, sent over the transport layer. An {@link ActionRequest} only
     * because that is the transport-request class both Elasticsearch lines share (8.19's {@code TransportRequest} is a
     * class, 9.x's an interface implemented by {@code AbstractTransportRequest}).
     */
    static final class NodeRequest extends ActionRequest {
        private final List<String> models;

        NodeRequest(List<String> models) {
            this.models = List.copyOf(models);
        }

        NodeRequest(StreamInput in) throws IOException {
            super(in);
            models = in.readStringCollectionAsList();
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
    }

    public static final class NodeResponse extends BaseNodeResponse {
        final Map<String, Object> stats;

        NodeResponse(DiscoveryNode node, Map<String, Object> stats) {
            super(node);
            this.stats = stats;
        }

        NodeResponse(StreamInput in, DiscoveryNode node) throws IOException {
            super(in, node);
            stats = in.readGenericMap();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeGenericMap(stats);
        }
    }

    public static final class Response extends BaseNodesResponse<NodeResponse> implements ToXContentObject {
        Response(ClusterName clusterName, List<NodeResponse> nodes, List<FailedNodeException> failures) {
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

    abstract static class Base extends TransportNodesAction<NodesModelsRequest, Response, NodeRequest, NodeResponse, Void> {
        final LatentServices services;

        Base(String name, ClusterService clusterService, TransportService transportService, ActionFilters actionFilters,
             ThreadPool threadPool, LatentServices services) {
            super(name, clusterService, transportService, actionFilters, NodeRequest::new, threadPool.executor(ThreadPool.Names.MANAGEMENT));
            this.services = services;
        }

        @Override
        protected Response newResponse(NodesModelsRequest request, List<NodeResponse> responses, List<FailedNodeException> failures) {
            return new Response(clusterService.getClusterName(), responses, failures);
        }

        @Override
        protected NodeRequest newNodeRequest(NodesModelsRequest request) {
            return new NodeRequest(request.models());
        }

        @Override
        protected NodeResponse newNodeResponse(StreamInput in, DiscoveryNode node) throws IOException {
            return new NodeResponse(in, node);
        }
    }

    public static final class TransportInvalidate extends Base {
        @Inject
        public TransportInvalidate(ClusterService clusterService, TransportService transportService, ActionFilters actionFilters,
                                   ThreadPool threadPool, LatentServices services) {
            super(INVALIDATE.name(), clusterService, transportService, actionFilters, threadPool, services);
        }

        @Override
        protected NodeResponse nodeOperation(NodeRequest request, Task task) {
            services.cache().invalidate(request.models);
            return new NodeResponse(clusterService.localNode(), Map.of());
        }
    }

    public static final class TransportStats extends Base {
        @Inject
        public TransportStats(ClusterService clusterService, TransportService transportService, ActionFilters actionFilters,
                              ThreadPool threadPool, LatentServices services) {
            super(STATS.name(), clusterService, transportService, actionFilters, threadPool, services);
        }

        @Override
        protected NodeResponse nodeOperation(NodeRequest request, Task task) {
            return new NodeResponse(clusterService.localNode(), services.cache().stats());
        }
    }
}
