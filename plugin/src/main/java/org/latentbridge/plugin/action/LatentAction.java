package org.latentbridge.plugin.action;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;

import java.util.concurrent.Executor;

/** The actions still served by the generic {@link LatentRequest} and {@link LatentResponse} (translate, anchor uploads). */
abstract class LatentAction extends LatentTransportAction<LatentRequest, LatentResponse> {

    LatentAction(ActionType<LatentResponse> type, TransportService transportService, ActionFilters actionFilters, Executor executor,
                 LatentServices services) {
        super(type.name(), transportService, actionFilters, LatentRequest::new, executor, services);
    }

    @Override
    protected final void perform(Task task, LatentRequest request, ActionListener<LatentResponse> listener) throws Exception {
        run(task, request, listener);
    }

    abstract void run(Task task, LatentRequest request, ActionListener<LatentResponse> listener) throws Exception;
}
