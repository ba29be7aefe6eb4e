package org.latentbridge.plugin.action;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.action.support.HandledTransportAction;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.tasks.CancellableTask;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;

import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Base of the plugin's REST-facing transport actions. The request's {@code validate()} has run before {@link #perform};
 * whatever {@code perform} throws synchronously (a role the model lacks, say) reaches the caller as the listener's
 * failure, so every endpoint answers bad input with a 4xx in Elasticsearch's error format.
 */
public abstract class LatentTransportAction<Request extends ActionRequest, Response extends ActionResponse>
    extends HandledTransportAction<Request, Response> {

    protected final LatentServices services;

    protected LatentTransportAction(String name, TransportService transportService, ActionFilters actionFilters,
                                    Writeable.Reader<Request> reader, Executor executor, LatentServices services) {
        super(name, transportService, actionFilters, reader, executor);
        this.services = services;
    }

    @Override
    protected final void doExecute(Task task, Request request, ActionListener<Response> listener) {
        try {
            perform(task, request, listener);
        } catch (Exception e) {
            listener.onFailure(e);
        }
    }

    protected abstract void perform(Task task, Request request, ActionListener<Response> listener) throws Exception;

    public static BooleanSupplier cancelled(Task task) {
        return task instanceof CancellableTask c ? c::isCancelled : () -> false;
    }

    public static void checkCancelled(Task task) {
        if (cancelled(task).getAsBoolean()) {
            throw new CancellationException("the request was cancelled");
        }
    }
}
