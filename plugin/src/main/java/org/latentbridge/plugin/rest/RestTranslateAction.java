package org.latentbridge.plugin.rest;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.latentbridge.plugin.action.translate.TranslateAction;

import java.io.IOException;
import java.util.List;

/** {@code POST /_latent/_translate}: the body is parsed here, straight into the typed request (vectors as {@code float[]}). */
public final class RestTranslateAction extends BaseRestHandler {
    @Override
    public String getName() {
        return "latent_translate";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.POST, "/_latent/_translate"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        TranslateAction.Request translate = RestBodies.parse(request, TranslateAction.Request::parse);
        return channel -> client.execute(TranslateAction.INSTANCE, translate, new RestToXContentListener<>(channel));
    }
}
