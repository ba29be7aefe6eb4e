package org.latentbridge.plugin.rest;

import org.elasticsearch.action.ActionType;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.common.bytes.BytesArray;
import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.latentbridge.plugin.action.LatentRequest;
import org.latentbridge.plugin.action.LatentResponse;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A thin REST handler: it copies the listed path and query parameters and the body into a {@link LatentRequest} and
 * runs the transport action, whose name decides the privileges needed. Unknown query parameters are refused by
 * Elasticsearch (400).
 */
public final class LatentRestHandler extends BaseRestHandler {
    private final String name;
    private final List<Route> routes;
    private final ActionType<LatentResponse> action;
    private final List<String> params;

    public LatentRestHandler(String name, List<Route> routes, ActionType<LatentResponse> action, String... params) {
        this.name = name;
        this.routes = routes;
        this.action = action;
        this.params = List.of(params);
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public List<Route> routes() {
        return routes;
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        Map<String, String> values = new HashMap<>();
        for (String p : params) {
            if (request.hasParam(p)) {
                values.put(p, request.param(p));
            }
        }
        // the body outlives this call (the action runs asynchronously), so it is copied out of the pooled network buffer
        BytesReference body = request.hasContent() ? new BytesArray(BytesReference.toBytes(request.content())) : null;
        LatentRequest latentRequest = new LatentRequest(values, body, request.hasContent() ? request.getXContentType() : null);
        return channel -> client.execute(action, latentRequest, new RestToXContentListener<>(channel));
    }
}
