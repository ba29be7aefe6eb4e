package org.latentbridge.plugin.action.model;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.latentbridge.plugin.LatentExceptions;
import org.latentbridge.plugin.action.LatentServices;
import org.latentbridge.plugin.action.LatentTransportAction;
import org.latentbridge.plugin.store.ModelRecord;

import java.util.List;
import java.util.Map;

public final class TransportPutModelAction extends LatentTransportAction<PutModelAction.Request, PutModelAction.Response> {

    @Inject
    public TransportPutModelAction(TransportService ts, ActionFilters af, ThreadPool tp, LatentServices services) {
        super(PutModelAction.NAME, ts, af, PutModelAction.Request::new, tp.generic(), services);
    }

    @Override
    protected void perform(Task task, PutModelAction.Request request, ActionListener<PutModelAction.Response> listener) {
        String model = request.model();
        services.store().getModel(model, ActionListener.wrap(existing -> {
            if (existing.dims() != request.dims()) {
                throw LatentExceptions.conflict("latent model [" + model + "] exists with [" + existing.dims()
                    + "] dims; delete it to change its dims");
            }
            for (String role : existing.anchors().keySet()) {
                if (request.roles().contains(role) == false && existing.anchors().get(role).count() > 0) {
                    throw LatentExceptions.conflict("latent model [" + model + "] has anchors for role [" + role
                        + "], which [roles] drops");
                }
            }
            for (String role : existing.pools().keySet()) {
                if (request.roles().contains(role) == false) {
                    throw LatentExceptions.conflict("latent model [" + model + "] has a pool of unpaired vectors for role [" + role
                        + "], which [roles] drops; delete the pool first (DELETE /_latent/model/" + model + "/_pool?role=" + role + ")");
                }
            }
            String description = request.description() == null ? existing.description() : request.description();
            ModelRecord updated = existing.next(description, request.roles(), existing.anchors());
            services.store().putModel(updated, false, respond(updated, false, listener));
        }, e -> {
            if (ExceptionsHelper.unwrapCause(e) instanceof ResourceNotFoundException) {
                ModelRecord created = new ModelRecord(model, request.dims(), request.description(), request.roles(), 1, Map.of(),
                    System.currentTimeMillis(), -1, -1);
                services.store().putModel(created, true, respond(created, true, listener));
            } else {
                listener.onFailure(e);
            }
        }));
    }

    private ActionListener<ModelRecord> respond(ModelRecord record, boolean created, ActionListener<PutModelAction.Response> listener) {
        return listener.delegateFailureAndWrap((l, stored) -> services.invalidateThen(List.of(record.model()),
            new PutModelAction.Response(stored, created), l));
    }
}
