package org.latentbridge.plugin.rest;

import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestCancellableNodeClient;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentParser;
import org.latentbridge.plugin.action.anchors.PutAnchorsAction;
import org.latentbridge.plugin.action.anchors.PutPoolAction;
import org.latentbridge.plugin.action.anchors.VectorUploadRequest;
import org.latentbridge.plugin.store.VectorKind;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * {@code POST|PUT /_latent/model/{model}/_anchors} and {@code .../_pool}: an upload of vectors of one kind, its body
 * parsed here straight into the typed request (vectors as {@code float[]}). An import can read an index for minutes:
 * closing the connection cancels it.
 */
public final class RestPutVectorsAction<Q extends VectorUploadRequest, R extends ActionResponse & ToXContentObject>
    extends BaseRestHandler {

    private final VectorKind kind;
    private final ActionType<R> action;
    private final BiFunction<String, XContentParser, Q> parse;

    private RestPutVectorsAction(VectorKind kind, ActionType<R> action, BiFunction<String, XContentParser, Q> parse) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.action = Objects.requireNonNull(action, "action");
        this.parse = Objects.requireNonNull(parse, "parse");
    }

    /** {@code POST|PUT /_latent/model/{model}/_anchors}. */
    public static RestPutVectorsAction<PutAnchorsAction.Request, PutAnchorsAction.Response> anchors() {
        return new RestPutVectorsAction<>(VectorKind.ANCHORS, PutAnchorsAction.INSTANCE, PutAnchorsAction.Request::parse);
    }

    /** {@code POST|PUT /_latent/model/{model}/_pool}: the body of {@code _anchors}, its import's cap named {@code max_vectors}. */
    public static RestPutVectorsAction<PutPoolAction.Request, PutPoolAction.Response> pool() {
        return new RestPutVectorsAction<>(VectorKind.POOL, PutPoolAction.INSTANCE, PutPoolAction.Request::parse);
    }

    @Override
    public String getName() {
        return "latent_put_" + kind.prefix();
    }

    @Override
    public List<Route> routes() {
        String path = "/_latent/model/{model}/_" + kind.prefix();
        return List.of(new Route(RestRequest.Method.POST, path), new Route(RestRequest.Method.PUT, path));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        String model = request.param("model");
        Q put = RestBodies.parse(request, parser -> parse.apply(model, parser));
        return channel -> new RestCancellableNodeClient(client, request.getHttpChannel())
            .execute(action, put, new RestToXContentListener<>(channel));
    }
}
