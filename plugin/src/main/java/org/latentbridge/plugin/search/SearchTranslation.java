package org.latentbridge.plugin.search;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ContextPreservingActionListener;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.common.util.concurrent.ThreadContext;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentFactory;
import org.elasticsearch.xcontent.XContentType;
import org.latentbridge.plugin.action.LatentRequest;
import org.latentbridge.plugin.action.TranslatorActions;

import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Translates one query vector for a search, through the node's {@code _translate} action and so through its cache.
 * Runs as the internal user: searching needs only the rights on the searched indices, not on the anchor store.
 */
final class SearchTranslation {
    private SearchTranslation() {}

    /** In a search a missing translator is the query's fault (400, saying what to fit); unknown models stay 404. */
    static Exception forSearch(Exception e) {
        if (org.elasticsearch.ExceptionsHelper.unwrapCause(e) instanceof org.elasticsearch.ResourceNotFoundException notFound
            && notFound.getMessage().startsWith("latent translator")) {
            return new IllegalArgumentException(notFound.getMessage() + " (or search with [method: inverse_relative], which needs no fit)", e);
        }
        return e;
    }

    static void translate(Client client, String from, String role, String to, String method, float[] vector, boolean unitLength,
                          ActionListener<float[]> listener) {
        BytesReference body;
        try (XContentBuilder b = XContentFactory.jsonBuilder()) {
            b.startObject().field("from", from).field("to", to).field("role", role).field("method", method).field("normalize", unitLength);
            b.startArray("vectors").value(vector).endArray().endObject();
            body = BytesReference.bytes(b);
        } catch (IOException e) {
            listener.onFailure(e);
            return;
        }
        ThreadContext tc = client.threadPool().getThreadContext();
        Supplier<ThreadContext.StoredContext> restore = tc.newRestorableContext(false);
        try (ThreadContext.StoredContext ignored = tc.stashContext()) {
            client.execute(TranslatorActions.TRANSLATE, new LatentRequest(Map.of(), body, XContentType.JSON),
                new ContextPreservingActionListener<>(restore, ActionListener.wrap(r -> listener.onResponse(((float[][]) r.body().get("vectors"))[0]),
                    e -> listener.onFailure(forSearch(e)))));
        }
    }
}
