package org.latentbridge.plugin.action.model;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.latentbridge.plugin.LatentExceptions;
import org.latentbridge.plugin.action.LatentServices;
import org.latentbridge.plugin.action.LatentTransportAction;
import org.latentbridge.plugin.store.TranslatorRecord;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

public final class TransportDeleteModelAction extends LatentTransportAction<DeleteModelAction.Request, DeleteModelAction.Response> {

    @Inject
    public TransportDeleteModelAction(TransportService ts, ActionFilters af, ThreadPool tp, LatentServices services) {
        super(DeleteModelAction.NAME, ts, af, DeleteModelAction.Request::new, tp.generic(), services);
    }

    @Override
    protected void perform(Task task, DeleteModelAction.Request request, ActionListener<DeleteModelAction.Response> listener) {
        String model = request.model();
        services.store().getModel(model, listener.delegateFailureAndWrap((l, m) -> services.store().listTranslators(model,
            l.delegateFailureAndWrap((l2, translators) -> deleteWith(model, translators, request.force(), l2)))));
    }

    private void deleteWith(String model, List<TranslatorRecord> translators, boolean force, ActionListener<DeleteModelAction.Response> l) {
        List<String> keys = translators.stream().map(TranslatorRecord::key).toList();
        if (keys.isEmpty() == false && force == false) {
            throw LatentExceptions.conflict("latent model [" + model + "] is used by translators " + keys
                + "; delete them first or pass ?force=true to delete them with the model");
        }
        Set<String> touched = new LinkedHashSet<>(List.of(model));
        translators.forEach(t -> {
            touched.add(t.source());
            touched.add(t.target());
        });
        services.store().deleteModel(model, l.delegateFailureAndWrap((l2, n) -> services.invalidateThen(List.copyOf(touched),
            new DeleteModelAction.Response(keys), l2)));
    }
}
