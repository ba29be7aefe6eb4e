package org.latentbridge.plugin.action.translator;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.latentbridge.plugin.action.LatentServices;
import org.latentbridge.plugin.action.LatentTransportAction;
import org.latentbridge.plugin.store.ModelRecord;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.latentbridge.plugin.translate.TranslationService.stale;

public final class TransportGetTranslatorAction extends LatentTransportAction<GetTranslatorAction.Request, GetTranslatorAction.Response> {

    @Inject
    public TransportGetTranslatorAction(TransportService ts, ActionFilters af, ThreadPool tp, LatentServices services) {
        super(GetTranslatorAction.NAME, ts, af, GetTranslatorAction.Request::new, tp.generic(), services);
    }

    @Override
    protected void perform(Task task, GetTranslatorAction.Request request, ActionListener<GetTranslatorAction.Response> listener) {
        TranslatorPath path = request.path();
        if (path == null) {
            // a translator whose model is gone counts as stale
            services.store().listTranslators(null, listener.delegateFailureAndWrap((l, translators) -> services.store().listModels(
                l.map(models -> {
                    Map<String, ModelRecord> byName = models.stream().collect(Collectors.toMap(ModelRecord::model, Function.identity()));
                    return GetTranslatorAction.Response.all(translators.stream()
                        .map(t -> TranslatorInfo.of(t, byName.containsKey(t.source()) == false || byName.containsKey(t.target()) == false
                            || stale(t, byName.get(t.source()), byName.get(t.target()))))
                        .toList());
                }))));
            return;
        }
        TranslatorPair.readModels(services, path.source(), path.target(), listener.delegateFailureAndWrap((l, m) -> {
            TranslatorPair pair = TranslatorPair.of(m[0], path.sourceRole(), m[1], path.targetRole());
            services.store().getTranslator(pair.key(), false, l.map(t -> GetTranslatorAction.Response.one(TranslatorInfo.of(t, stale(t,
                m[0], m[1])))));
        }));
    }
}
