package org.latentbridge.plugin.search;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.ActionListener;
import org.latentbridge.plugin.LatentExceptions;
import org.latentbridge.plugin.translate.Translation;
import org.latentbridge.plugin.translate.TranslateSpec;
import org.latentbridge.plugin.translate.TranslationService;

/** One query vector through the {@link TranslationService}, with a search's view of its errors. */
record SearchTranslation(TranslationService service, TranslateSpec spec, String vectorName, float[] vector) {

    /**
     * The translation (its one vector, and the calibration of its similarities) when everything it needs is cached, else
     * null (having loaded nothing).
     */
    Translation cachedOrNull() {
        return service.cachedOrNull(spec, vectorName, new float[][] {vector});
    }

    /** The translation, with its one vector and the calibration of its similarities. */
    void translate(ActionListener<Translation> listener) {
        service.translate(spec, vectorName, new float[][] {vector}, listener.delegateResponse((l, e) -> l.onFailure(forSearch(e))));
    }

    /** The translated vector alone. */
    void translateVector(ActionListener<float[]> listener) {
        translate(listener.map(t -> t.vectors()[0]));
    }

    /** In a search a missing translator is the query's fault (400, saying what to fit); unknown models stay 404. */
    static Exception forSearch(Exception e) {
        if (ExceptionsHelper.unwrapCause(e) instanceof LatentExceptions.TranslatorNotFoundException notFound) {
            return new IllegalArgumentException(notFound.getMessage() + " (or search with [method: inverse_relative], which needs no fit)",
                e);
        }
        return e;
    }
}
