package org.latentbridge.plugin.action.cache;

import org.elasticsearch.action.FailedNodeException;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.nodes.TransportNodesAction;
import org.elasticsearch.cluster.node.DiscoveryNode;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.latentbridge.plugin.action.LatentServices;
import org.latentbridge.plugin.action.cache.CacheStatsAction.NodeRequest;
import org.latentbridge.plugin.action.cache.CacheStatsAction.NodeResponse;
import org.latentbridge.plugin.action.cache.CacheStatsAction.Response;
import org.latentbridge.plugin.compat.NodesModelsRequest;

import java.io.IOException;
import java.util.List;

public final class TransportCacheStatsAction extends TransportNodesAction<NodesModelsRequest, Response, NodeRequest, NodeResponse, Void> {
    private final LatentServices services;

    @Inject
    public TransportCacheStatsAction(ClusterService clusterService, TransportService transportService, ActionFilters actionFilters,
                                     ThreadPool threadPool, LatentServices services) {
        super(CacheStatsAction.NAME, clusterService, transportService, actionFilters, NodeRequest::new,
            threadPool.executor(ThreadPool.Names.MANAGEMENT));
        this.services = services;
    }

    @Override
    protected Response newResponse(NodesModelsRequest request, List<NodeResponse> responses, List<FailedNodeException> failures) {
        return new Response(clusterService.getClusterName(), responses, failures);
    }

    @Override
    protected NodeRequest newNodeRequest(NodesModelsRequest request) {
        return new NodeRequest();
    }

    @Override
    protected NodeResponse newNodeResponse(StreamInput in, DiscoveryNode node) throws IOException {
        return new NodeResponse(in, node);
    }

    @Override
    protected NodeResponse nodeOperation(NodeRequest request, Task task) {
        return new NodeResponse(clusterService.localNode(), services.cache().stats());
    }
}
