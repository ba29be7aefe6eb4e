package org.latentbridge.plugin.action.model;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.latentbridge.plugin.action.LatentServices;
import org.latentbridge.plugin.action.LatentTransportAction;

/** Always reads the index, not the cache, so a read shows the last write. */
public final class TransportGetModelAction extends LatentTransportAction<GetModelAction.Request, GetModelAction.Response> {

    @Inject
    public TransportGetModelAction(TransportService ts, ActionFilters af, ThreadPool tp, LatentServices services) {
        super(GetModelAction.NAME, ts, af, GetModelAction.Request::new, tp.generic(), services);
    }

    @Override
    protected void perform(Task task, GetModelAction.Request request, ActionListener<GetModelAction.Response> listener) {
        if (request.model() == null) {
            services.store().listModels(listener.map(GetModelAction.Response::all));
        } else {
            services.store().getModel(request.model(), listener.map(GetModelAction.Response::one));
        }
    }
}
