package org.latentbridge.plugin.action.translator;

import org.elasticsearch.action.ActionListener;
import org.latentbridge.plugin.action.LatentServices;
import org.latentbridge.plugin.store.ModelRecord;
import org.latentbridge.plugin.store.TranslatorRecord;

/** The two models of a translator and their roles: requested (defaults query/document), then resolved against each model. */
public record TranslatorPair(ModelRecord source, String sourceRole, ModelRecord target, String targetRole) {
    public static TranslatorPair of(ModelRecord source, String sourceRole, ModelRecord target, String targetRole) {
        return new TranslatorPair(source, source.resolveRole(sourceRole == null ? ModelRecord.QUERY_ROLE : sourceRole), target,
            target.resolveRole(targetRole == null ? ModelRecord.DOCUMENT_ROLE : targetRole));
    }

    /** Both models, fresh from the index (not the cache: a fit, a read or a delete acts on what is stored now). */
    public static void readModels(LatentServices services, String source, String target, ActionListener<ModelRecord[]> listener) {
        services.store().getModel(source, listener.delegateFailureAndWrap((l, s) -> services.store().getModel(target,
            l.map(t -> new ModelRecord[] {s, t}))));
    }

    public String key() {
        return TranslatorRecord.key(source.model(), sourceRole, target.model(), targetRole);
    }

    public long sourceGeneration() {
        ModelRecord.RoleAnchors a = source.anchorsOf(sourceRole);
        return a == null ? 0 : a.generation();
    }

    /** The generation of the source role's pool of unpaired vectors; 0 when it has none. */
    public long sourcePoolGeneration() {
        ModelRecord.RoleAnchors p = source.poolOf(sourceRole);
        return p == null ? 0 : p.generation();
    }

    /** The generation of the target role's pool of unpaired vectors; 0 when it has none. */
    public long targetPoolGeneration() {
        ModelRecord.RoleAnchors p = target.poolOf(targetRole);
        return p == null ? 0 : p.generation();
    }

    public long targetGeneration() {
        ModelRecord.RoleAnchors a = target.anchorsOf(targetRole);
        return a == null ? 0 : a.generation();
    }
}
