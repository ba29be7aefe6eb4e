package org.latentbridge.plugin.rest;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.latentbridge.plugin.action.translator.GetTranslatorAction;
import org.latentbridge.plugin.action.translator.TranslatorPath;

import java.util.List;

/** {@code GET /_latent/translator[/{source}/{target}[?source_role=&target_role=]]}. */
public final class RestGetTranslatorAction extends BaseRestHandler {
    @Override
    public String getName() {
        return "latent_get_translator";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.GET, "/_latent/translator/{source}/{target}"),
            new Route(RestRequest.Method.GET, "/_latent/translator"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        RestBodies.refuse(request);
        // without a pair in the path the role parameters are left unread, so Elasticsearch refuses them
        TranslatorPath path = request.hasParam("source") ? RestDeleteTranslatorAction.path(request) : null;
        GetTranslatorAction.Request get = new GetTranslatorAction.Request(path);
        return channel -> client.execute(GetTranslatorAction.INSTANCE, get, new RestToXContentListener<>(channel));
    }
}
