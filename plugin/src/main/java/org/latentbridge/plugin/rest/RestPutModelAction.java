package org.latentbridge.plugin.rest;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.latentbridge.plugin.action.model.PutModelAction;

import java.io.IOException;
import java.util.List;

/** {@code PUT /_latent/model/{model}}. */
public final class RestPutModelAction extends BaseRestHandler {
    @Override
    public String getName() {
        return "latent_put_model";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.PUT, "/_latent/model/{model}"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        String model = request.param("model");
        PutModelAction.Request put = RestBodies.parse(request, parser -> PutModelAction.Request.parse(model, parser));
        return channel -> client.execute(PutModelAction.INSTANCE, put, new RestToXContentListener<>(channel));
    }
}
