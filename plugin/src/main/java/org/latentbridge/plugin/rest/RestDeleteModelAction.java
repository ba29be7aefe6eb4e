package org.latentbridge.plugin.rest;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.latentbridge.plugin.action.model.DeleteModelAction;

import java.util.List;

/** {@code DELETE /_latent/model/{model}[?force]}. */
public final class RestDeleteModelAction extends BaseRestHandler {
    @Override
    public String getName() {
        return "latent_delete_model";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.DELETE, "/_latent/model/{model}"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        RestBodies.refuse(request);
        DeleteModelAction.Request delete = new DeleteModelAction.Request(request.param("model"), request.paramAsBoolean("force", false));
        return channel -> client.execute(DeleteModelAction.INSTANCE, delete, new RestToXContentListener<>(channel));
    }
}
