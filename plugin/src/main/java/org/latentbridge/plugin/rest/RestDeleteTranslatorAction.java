package org.latentbridge.plugin.rest;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.latentbridge.plugin.action.translator.DeleteTranslatorAction;
import org.latentbridge.plugin.action.translator.TranslatorPath;

import java.util.List;

/** {@code DELETE /_latent/translator/{source}/{target}[?source_role=&target_role=]}. */
public final class RestDeleteTranslatorAction extends BaseRestHandler {
    @Override
    public String getName() {
        return "latent_delete_translator";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.DELETE, "/_latent/translator/{source}/{target}"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        RestBodies.refuse(request);
        DeleteTranslatorAction.Request delete = new DeleteTranslatorAction.Request(path(request));
        return channel -> client.execute(DeleteTranslatorAction.INSTANCE, delete, new RestToXContentListener<>(channel));
    }

    /** The translator named by the path and the role parameters. */
    static TranslatorPath path(RestRequest request) {
        return new TranslatorPath(request.param("source"), request.param("source_role"), request.param("target"),
            request.param("target_role"));
    }
}
