package org.latentbridge.plugin.rest;

import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.latentbridge.plugin.action.anchors.DeletePoolAction;
import org.latentbridge.plugin.store.ModelRecord;

import java.util.List;

/** {@code DELETE /_latent/model/{model}/_pool?role=...} (the role defaults to {@code document}, as an upload's does). */
public final class RestDeletePoolAction extends BaseRestHandler {
    @Override
    public String getName() {
        return "latent_delete_pool";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(RestRequest.Method.DELETE, "/_latent/model/{model}/_pool"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
        RestBodies.refuse(request);
        DeletePoolAction.Request delete = new DeletePoolAction.Request(request.param("model"),
            request.param("role", ModelRecord.DOCUMENT_ROLE));
        return channel -> client.execute(DeletePoolAction.INSTANCE, delete, new RestToXContentListener<>(channel));
    }
}
