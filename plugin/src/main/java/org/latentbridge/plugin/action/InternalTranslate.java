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

    public static void translate(TranslatorActions.TranslateSpec spec, float[][] vectors, ActionListener<LatentResponse> listener) {
        LatentServices services = LatentServices.current();
        if (services == null) {
            listener.onFailure(new IllegalStateException("the Latent Bridge plugin is not initialised on this node"));
            return;
        }
        try {
            TranslatorActions.TransportTranslate.translate(services, spec, source -> checked(vectors, source), listener);
        } catch (Exception e) {
            listener.onFailure(e);
        }
    }

    private static float[][] checked(float[][] vectors, ModelRecord source) {
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != source.dims()) {
                throw LatentExceptions.badRequest("[vectors][" + i + "] has wrong dimensions: expected [" + source.dims() + "] but got ["
                    + vectors[i].length + "]");
            }
        }
        return vectors;
    }
}
