package org.latentbridge.plugin.rest;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestCancellableNodeClient;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.latentbridge.plugin.action.anchors.PutAnchorsAction;

import java.io.IOException;
import java.util.List;

/**
 * {@code POST|PUT /_latent/model/{model}/_anchors}: the body is parsed here, straight into the typed request (vectors as
 * {@code float[]}). An import can read an index for minutes: closing the connection cancels it.
 */
public final class RestPutAnchorsAction extends BaseRestHandler {
    @Override
    public String getName() {
        return "latent_put_anchors";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.POST, "/_latent/model/{model}/_anchors"),
            new Route(RestRequest.Method.PUT, "/_latent/model/{model}/_anchors"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        String model = request.param("model");
        PutAnchorsAction.Request put = RestBodies.parse(request, parser -> PutAnchorsAction.Request.parse(model, parser));
        return channel -> new RestCancellableNodeClient(client, request.getHttpChannel())
            .execute(PutAnchorsAction.INSTANCE, put, new RestToXContentListener<>(channel));
    }
}
