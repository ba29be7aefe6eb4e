package org.latentbridge.plugin.action.translator;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.latentbridge.plugin.action.LatentServices;
import org.latentbridge.plugin.action.LatentTransportAction;

import java.util.List;

public final class TransportDeleteTranslatorAction
    extends LatentTransportAction<DeleteTranslatorAction.Request, DeleteTranslatorAction.Response> {

    @Inject
    public TransportDeleteTranslatorAction(TransportService ts, ActionFilters af, ThreadPool tp, LatentServices services) {
        super(DeleteTranslatorAction.NAME, ts, af, DeleteTranslatorAction.Request::new, tp.generic(), services);
    }

    @Override
    protected void perform(Task task, DeleteTranslatorAction.Request request, ActionListener<DeleteTranslatorAction.Response> listener) {
        TranslatorPath path = request.path();
        TranslatorPair.readModels(services, path.source(), path.target(), listener.delegateFailureAndWrap((l, m) -> {
            TranslatorPair pair = TranslatorPair.of(m[0], path.sourceRole(), m[1], path.targetRole());
            services.store().deleteTranslator(pair.key(), l.delegateFailureAndWrap((l2, ignored) -> services.invalidateThen(
                List.of(m[0].model(), m[1].model()), new DeleteTranslatorAction.Response(pair.key()), l2)));
        }));
    }
}
