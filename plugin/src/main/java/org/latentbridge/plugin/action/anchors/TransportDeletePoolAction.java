package org.latentbridge.plugin.action.anchors;

import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.latentbridge.plugin.action.LatentServices;
import org.latentbridge.plugin.action.LatentTransportAction;
import org.latentbridge.plugin.store.ModelRecord;
import org.latentbridge.plugin.store.VectorKind;

import java.util.List;

/**
 * Drops a role's pool: the model document stops listing it first (409 if the model changed meanwhile), then its chunk
 * documents are deleted, so a reader never sees half a pool. A role without a pool is a 404.
 */
public final class TransportDeletePoolAction extends LatentTransportAction<DeletePoolAction.Request, DeletePoolAction.Response> {

    @Inject
    public TransportDeletePoolAction(TransportService ts, ActionFilters af, ThreadPool tp, LatentServices services) {
        super(DeletePoolAction.NAME, ts, af, DeletePoolAction.Request::new, tp.generic(), services);
    }

    @Override
    protected void perform(Task task, DeletePoolAction.Request request, ActionListener<DeletePoolAction.Response> listener) {
        services.store().getModel(request.model(), listener.delegateFailureAndWrap((l, model) -> {
            String role = model.requireRole(request.role());
            ModelRecord.RoleAnchors pool = model.poolOf(role);
            if (pool == null) {
                throw new ResourceNotFoundException("latent model [" + model.model() + "] has no pool for role [" + role + "]");
            }
            services.store().putModel(model.withRolePool(role, null), false, l.delegateFailureAndWrap((l2, stored) -> {
                services.store().deleteSegments(VectorKind.POOL, model.model(), role, pool.segments());
                services.invalidateThen(List.of(model.model()),
                    new DeletePoolAction.Response(model.model(), role, stored.version(), pool.count()), l2);
            }));
        }));
    }
}
