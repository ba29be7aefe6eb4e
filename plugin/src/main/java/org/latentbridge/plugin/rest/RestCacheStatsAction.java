package org.latentbridge.plugin.rest;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.latentbridge.plugin.action.cache.CacheStatsAction;
import org.latentbridge.plugin.compat.NodesModelsRequest;

import java.util.List;

/** {@code GET /_latent/_stats}: every node's cache and translation counters. */
public final class RestCacheStatsAction extends BaseRestHandler {
    @Override
    public String getName() {
        return "latent_stats";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.GET, "/_latent/_stats"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        RestBodies.refuse(request);
        return channel -> client.execute(CacheStatsAction.INSTANCE, new NodesModelsRequest(List.of()),
            new RestToXContentListener<>(channel));
    }
}
