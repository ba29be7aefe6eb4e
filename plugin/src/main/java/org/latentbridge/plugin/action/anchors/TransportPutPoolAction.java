package org.latentbridge.plugin.action.anchors;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionRunnable;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.latentbridge.plugin.action.LatentServices;
import org.latentbridge.plugin.action.LatentTransportAction;
import org.latentbridge.plugin.store.VectorKind;

/**
 * Appends or replaces vectors of a role's pool, from the request or from an index the caller can read, exactly as
 * {@link TransportPutAnchorsAction} does for anchors (same checks, segments and flip of the model document), with the
 * pool's cap ({@code latent_bridge.pool.max_vectors}) on what the pool holds after the upload.
 */
public final class TransportPutPoolAction extends LatentTransportAction<PutPoolAction.Request, PutPoolAction.Response> {

    @Inject
    public TransportPutPoolAction(TransportService ts, ActionFilters af, ThreadPool tp, LatentServices services) {
        super(PutPoolAction.NAME, ts, af, PutPoolAction.Request::new, tp.generic(), services);
    }

    @Override
    protected void perform(Task task, PutPoolAction.Request request, ActionListener<PutPoolAction.Response> listener) {
        services.store().getModel(request.model(), listener.delegateFailureAndWrap((l, model) -> services.fitPool().execute(
            ActionRunnable.wrap(l, l2 -> TransportPutAnchorsAction.upload(services, VectorKind.POOL, task, model, request.role(),
                request.ids(), request.vectors(), request.source(), l2.map(u -> new PutPoolAction.Response(model.model(), u.role(),
                    u.stored().version(), u.count(), u.stored().poolOf(u.role()).generation(), u.added(), u.replaced(),
                    u.diagnostics())))))));
    }
}
