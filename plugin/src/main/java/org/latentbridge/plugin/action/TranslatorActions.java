package org.latentbridge.plugin.action;

import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.latentbridge.core.translate.Method;
import org.latentbridge.plugin.LatentExceptions;
import org.latentbridge.plugin.store.ModelRecord;
import org.latentbridge.plugin.store.TranslatorRecord;
import org.latentbridge.plugin.translate.QueryMethod;
import org.latentbridge.plugin.translate.TranslateSpec;
import org.latentbridge.plugin.translate.Translation;
import org.latentbridge.plugin.translate.TranslationService;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Translating vectors ({@code _translate}), and what the translator endpoints share: role pairs, staleness, fit methods. */
public final class TranslatorActions {
    public static final ActionType<LatentResponse> TRANSLATE = new ActionType<>("cluster:monitor/latent/translate");

    private TranslatorActions() {}

    /** Roles of a translator between two models: requested (defaults query/document), then resolved against each model. */
    public record Pair(ModelRecord source, String sourceRole, ModelRecord target, String targetRole) {
        public static Pair of(ModelRecord source, String sourceRole, ModelRecord target, String targetRole) {
            return new Pair(source, source.resolveRole(sourceRole == null ? ModelRecord.QUERY_ROLE : sourceRole), target,
                target.resolveRole(targetRole == null ? ModelRecord.DOCUMENT_ROLE : targetRole));
        }

        public String key() {
            return TranslatorRecord.key(source.model(), sourceRole, target.model(), targetRole);
        }

        public long sourceGeneration() {
            ModelRecord.RoleAnchors a = source.anchorsOf(sourceRole);
            return a == null ? 0 : a.generation();
        }

        public long targetGeneration() {
            ModelRecord.RoleAnchors a = target.anchorsOf(targetRole);
            return a == null ? 0 : a.generation();
        }
    }

    /** The fit method a PUT names: null for {@code auto}; the message lists exactly what a fit accepts. */
    public static Method fitMethod(String name) {
        if (name.equals("auto")) {
            return null;
        }
        for (Method m : Method.values()) {
            if (m != Method.RELATIVE && m.apiName().equals(name)) {
                return m;
            }
        }
        throw LatentExceptions.badRequest("[method] [" + name + "] is not a fit method; expected one of [auto, orthogonal, linear, affine, "
            + "inverse_relative, orthogonal_kernel]");
    }

    public static boolean stale(TranslatorRecord t, ModelRecord source, ModelRecord target) {
        return TranslationService.stale(t, source, target);
    }

    /** Both models, fresh from the index. */
    public static void models(LatentServices services, String source, String target, ActionListener<ModelRecord[]> listener) {
        services.store().getModel(source, listener.delegateFailureAndWrap((l, s) -> services.store().getModel(target,
            l.map(t -> new ModelRecord[] {s, t}))));
    }

    /**
     * {@code POST /_latent/_translate}: vectors of {@code from} into {@code to}'s space, or into {@code from}'s relative
     * space with {@code "to": "_relative"}, through this node's {@link TranslationService}.
     */
    public static final class TransportTranslate extends LatentAction {
        private final TranslationService translation;

        @Inject
        public TransportTranslate(TransportService ts, ActionFilters af, ThreadPool tp, LatentServices services,
                                  TranslationService translation) {
            super(TRANSLATE, ts, af, tp.generic(), services);
            this.translation = translation;
        }

        @Override
        void run(Task task, LatentRequest request, ActionListener<LatentResponse> listener) {
            Body body = request.body(Set.of("from", "to", "vectors", "role", "normalize", "method", "top_k", "exponent"));
            if (TranslateSpec.RELATIVE_TARGET.equals(body.string("to", null)) == false && (body.has("top_k") || body.has("exponent"))) {
                throw LatentExceptions.badRequest("[top_k] and [exponent] sparsify relative vectors: they apply only with [to: "
                    + TranslateSpec.RELATIVE_TARGET + "]");
            }
            TranslateSpec spec = new TranslateSpec(body.requiredString("from"), body.requiredString("to"), body.string("role",
                ModelRecord.QUERY_ROLE), QueryMethod.fromApiName(body.string("method", QueryMethod.AUTO.apiName())),
                body.bool("normalize", false), body.integer("top_k", null), body.number("exponent", 1.0));
            translation.translate(spec, source -> body.vectors("vectors", source.dims(), services.maxTranslateVectors()),
                listener.map(TransportTranslate::response));
        }

        private static LatentResponse response(Translation t) {
            Map<String, Object> body = new LinkedHashMap<>();
            if (t.relative() != null) {
                body.put("to", TranslateSpec.RELATIVE_TARGET);
                body.put("role", t.relative().role());
                body.put("dims", t.relative().dims());
                body.put("generation", t.relative().anchorGeneration());
            } else {
                body.put("method", t.method());
                if (t.translatorVersion() != null) {
                    body.put("translator_version", t.translatorVersion());
                    body.put("stale", t.stale());
                }
            }
            if (t.sparse()) {
                body.put("weights", t.weights());
            } else {
                body.put("vectors", t.vectors());
            }
            return new LatentResponse(body);
        }
    }
}
