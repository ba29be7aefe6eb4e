package org.latentbridge.plugin.action.translate;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.latentbridge.core.linalg.Vectors;
import org.latentbridge.plugin.LatentExceptions;
import org.latentbridge.plugin.action.LatentServices;
import org.latentbridge.plugin.action.LatentTransportAction;
import org.latentbridge.plugin.translate.TranslationService;

/** Translates through this node's {@link TranslationService}, which reads the models and translators from the node's cache. */
public final class TransportTranslateAction extends LatentTransportAction<TranslateAction.Request, TranslateAction.Response> {
    private final TranslationService translation;

    @Inject
    public TransportTranslateAction(TransportService ts, ActionFilters af, ThreadPool tp, LatentServices services,
                                    TranslationService translation) {
        super(TranslateAction.NAME, ts, af, TranslateAction.Request::new, tp.generic(), services);
        this.translation = translation;
    }

    @Override
    protected void perform(Task task, TranslateAction.Request request, ActionListener<TranslateAction.Response> listener) {
        int maxCount = services.maxTranslateVectors();
        translation.translate(request.spec(), source -> checkVectors(request.vectors(), source.dims(), maxCount),
            listener.map(TranslateAction.Response::new));
    }

    /**
     * The vectors, once the source model is known: between one and the node's {@code latent_bridge.translate.max_vectors},
     * each of the model's dimension. Checked only then, so that an unknown model answers 404 whatever the vectors.
     */
    static float[][] checkVectors(float[][] vectors, int dims, int maxCount) {
        if (vectors.length == 0) {
            throw LatentExceptions.badRequest("[vectors] must not be empty");
        }
        if (vectors.length > maxCount) {
            throw LatentExceptions.badRequest("[vectors] holds [" + vectors.length + "] vectors, more than the node's limit of [" + maxCount
                + "] per request; send several requests");
        }
        for (int i = 0; i < vectors.length; i++) {
            Vectors.checkDimensions("vectors][" + i, dims, vectors[i].length);
        }
        return vectors;
    }
}
