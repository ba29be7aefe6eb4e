package org.latentbridge.plugin.action;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.tasks.CancellableTask;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;

import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Base of the REST-facing actions. Synchronous validation errors thrown by {@link #run} reach the caller as the
 * listener's failure, so every endpoint answers bad input with a 4xx in Elasticsearch's error format.
 */
abstract class LatentAction extends HandledTransportAction<LatentRequest, LatentResponse> {
    final LatentServices services;

    LatentAction(ActionType<LatentResponse> type, TransportService transportService, ActionFilters actionFilters, Executor executor,
                 LatentServices services) {
        super(type.name(), transportService, actionFilters, LatentRequest::new, executor);
        this.services = services;
    }

    @Override
    protected final void doExecute(Task task, LatentRequest request, ActionListener<LatentResponse> listener) {
        try {
            run(task, request, listener);
        } catch (Exception e) {
            listener.onFailure(e);
        }
    }

    abstract void run(Task task, LatentRequest request, ActionListener<LatentResponse> listener) throws Exception;

    static BooleanSupplier cancelled(Task task) {
        return task instanceof CancellableTask c ? c::isCancelled : () -> false;
    }

    static void checkCancelled(Task task) {
        if (cancelled(task).getAsBoolean()) {
            throw new CancellationException("the request was cancelled");
        }
    }
}
