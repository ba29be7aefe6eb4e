package org.latentbridge.plugin.action;

import org.elasticsearch.action.ActionListener;
import org.latentbridge.plugin.LatentExceptions;
import org.latentbridge.plugin.store.ModelRecord;

/**
 * Translation for the plugin's own features (query rewrites, ingest processors): a direct call into this node's
 * services, with no request serialisation and no thread hop, served from the node cache (a miss loads asynchronously).
 * It runs no transport action, so it needs no privilege of the caller: searching and ingesting need only the rights on
 * the user's own indices, and the store is read as the internal user.
 */
public final class InternalTranslate {
    private InternalTranslate() {}

    /**
     * @param vectorName how the caller's request names the vector(s) ({@code query_vector}, {@code vector}, an ingest
     *                   field), so that a wrong length is reported where the user wrote it
     */
    public static void translate(TranslatorActions.TranslateSpec spec, String vectorName, float[][] vectors,
                                 ActionListener<LatentResponse> listener) {
        LatentServices services = LatentServices.current();
        if (services == null) {
            listener.onFailure(new IllegalStateException("the Latent Bridge plugin is not initialised on this node"));
            return;
        }
        try {
            TranslatorActions.TransportTranslate.translate(services, spec, source -> checked(vectorName, vectors, source), listener);
        } catch (Exception e) {
            listener.onFailure(e);
        }
    }

    private static float[][] checked(String vectorName, float[][] vectors, ModelRecord source) {
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != source.dims()) {
                String where = vectors.length == 1 ? vectorName : vectorName + "][" + i;
                throw LatentExceptions.badRequest("[" + where + "] has wrong dimensions: expected [" + source.dims() + "] but got ["
                    + vectors[i].length + "]");
            }
        }
        return vectors;
    }
}
