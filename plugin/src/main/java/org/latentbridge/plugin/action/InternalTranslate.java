package org.latentbridge.plugin.action;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ContextPreservingActionListener;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.common.util.concurrent.ThreadContext;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentFactory;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs {@code _translate} on this node for the plugin's own features (searches, ingest), through the node's cache and
 * as the internal user: the caller needs rights on its indices only, not on the anchor store.
 */
public final class InternalTranslate {
    private InternalTranslate() {}

    public static void execute(Client client, Map<String, Object> body, ActionListener<LatentResponse> listener) {
        BytesReference bytes;
        try (XContentBuilder b = XContentFactory.jsonBuilder()) {
            bytes = BytesReference.bytes(b.map(body));
        } catch (IOException e) {
            listener.onFailure(e);
            return;
        }
        ThreadContext tc = client.threadPool().getThreadContext();
        Supplier<ThreadContext.StoredContext> restore = tc.newRestorableContext(false);
        try (ThreadContext.StoredContext ignored = tc.stashContext()) {
            client.execute(TranslatorActions.TRANSLATE, new LatentRequest(Map.of(), bytes, XContentType.JSON),
                new ContextPreservingActionListener<>(restore, listener));
        }
    }
}
