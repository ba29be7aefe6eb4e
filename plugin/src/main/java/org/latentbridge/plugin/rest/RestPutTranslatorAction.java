package org.latentbridge.plugin.rest;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.latentbridge.plugin.action.translator.PutTranslatorAction;

import java.io.IOException;
import java.util.List;

/** {@code PUT /_latent/translator/{source}/{target}[?wait_for_completion=false]}: a fit; every option has a default. */
public final class RestPutTranslatorAction extends BaseRestHandler {
    @Override
    public String getName() {
        return "latent_put_translator";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.PUT, "/_latent/translator/{source}/{target}"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        String source = request.param("source"), target = request.param("target");
        boolean waitForCompletion = request.paramAsBoolean("wait_for_completion", true);
        PutTranslatorAction.Request put = request.hasContent()
            ? RestBodies.parse(request, parser -> PutTranslatorAction.Request.parse(source, target, waitForCompletion, parser))
            : PutTranslatorAction.Request.parse(source, target, waitForCompletion, null);
        return channel -> RestBodies.executeLongRunning(channel, request, client, PutTranslatorAction.INSTANCE, put);
    }
}
