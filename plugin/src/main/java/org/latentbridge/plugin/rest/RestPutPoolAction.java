package org.latentbridge.plugin.rest;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestCancellableNodeClient;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.latentbridge.plugin.action.anchors.PutPoolAction;

import java.io.IOException;
import java.util.List;

/**
 * {@code POST|PUT /_latent/model/{model}/_pool}: the body of {@code _anchors}, parsed here into the typed request. An
 * import can read an index for minutes: closing the connection cancels it.
 */
public final class RestPutPoolAction extends BaseRestHandler {
    @Override
    public String getName() {
        return "latent_put_pool";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.POST, "/_latent/model/{model}/_pool"),
            new Route(RestRequest.Method.PUT, "/_latent/model/{model}/_pool"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        String model = request.param("model");
        PutPoolAction.Request put = RestBodies.parse(request, parser -> PutPoolAction.Request.parse(model, parser));
        return channel -> new RestCancellableNodeClient(client, request.getHttpChannel())
            .execute(PutPoolAction.INSTANCE, put, new RestToXContentListener<>(channel));
    }
}
