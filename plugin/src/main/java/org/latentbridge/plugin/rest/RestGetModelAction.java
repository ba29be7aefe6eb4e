package org.latentbridge.plugin.rest;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.latentbridge.plugin.action.model.GetModelAction;

import java.util.List;

/** {@code GET /_latent/model[/{model}]}. */
public final class RestGetModelAction extends BaseRestHandler {
    @Override
    public String getName() {
        return "latent_get_model";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.GET, "/_latent/model/{model}"), new Route(RestRequest.Method.GET, "/_latent/model"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        RestBodies.refuse(request);
        GetModelAction.Request get = new GetModelAction.Request(request.param("model"));
        return channel -> client.execute(GetModelAction.INSTANCE, get, new RestToXContentListener<>(channel));
    }
}
