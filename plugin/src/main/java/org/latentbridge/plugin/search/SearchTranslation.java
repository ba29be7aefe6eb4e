package org.latentbridge.plugin.search;

import org.elasticsearch.action.ActionListener;
import org.latentbridge.plugin.action.InternalTranslate;
import org.latentbridge.plugin.action.TranslatorActions;


/**
 * Translates one query vector for a search ({@link InternalTranslate}).
 */
final class SearchTranslation {
    private SearchTranslation() {}

    /** In a search a missing translator is the query's fault (400, saying what to fit); unknown models stay 404. */
    static Exception forSearch(Exception e) {
        if (org.elasticsearch.ExceptionsHelper.unwrapCause(e) instanceof org.elasticsearch.ResourceNotFoundException notFound
            && notFound.getMessage().startsWith("latent translator")) {
            return new IllegalArgumentException(notFound.getMessage() + " (or search with [method: inverse_relative], which needs no fit)", e);
        }
        return e;
    }

    /** @param fieldModel for {@code to = "_relative"}: the model whose relative field is searched (its anchor ids must match) */
    static void translate(String from, String role, String to, String fieldModel, String method, String vectorName, float[] vector,
                          boolean unitLength, ActionListener<float[]> listener) {
        InternalTranslate.translate(new TranslatorActions.TranslateSpec(from, to, role, method, unitLength, null, 1.0, fieldModel),
            vectorName, new float[][] {vector}, ActionListener.wrap(r -> listener.onResponse(((float[][]) r.body().get("vectors"))[0]),
                e -> listener.onFailure(forSearch(e))));
    }
}
