package org.latentbridge.plugin.action;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.ResourceNotFoundException;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.Translator;
import org.latentbridge.plugin.LatentExceptions;
import org.latentbridge.plugin.store.LatentCache;
import org.latentbridge.plugin.store.ModelRecord;
import org.latentbridge.plugin.store.TranslatorRecord;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Translating vectors ({@code _translate}), and what the translator endpoints share: role pairs, staleness, fit methods. */
public final class TranslatorActions {
    public static final ActionType<LatentResponse> TRANSLATE = new ActionType<>("cluster:monitor/latent/translate");

    public static final String RELATIVE_TARGET = "_relative";

    /**
     * What to translate into: model {@code to}'s space, or {@code "_relative"} (then {@code topK}/{@code exponent}
     * sparsify it).
     */
    public record TranslateSpec(String from, String to, String role, String method, boolean normalize, Integer topK, double exponent,
                                String alignWith) {
        /** Largest sparsification exponent: beyond it every cosine below 1 underflows to a zero weight. */
        public static final double MAX_EXPONENT = 64;

        public TranslateSpec {
            if (topK != null && topK < 1) {
                throw LatentExceptions.badRequest("[top_k] must be at least 1, got [" + topK + "]");
            }
            if (Double.isFinite(exponent) == false || exponent <= 0 || exponent > MAX_EXPONENT) {
                throw LatentExceptions.badRequest("[exponent] must be a number in (0, " + MAX_EXPONENT + "], got [" + exponent + "]");
            }
        }

        public TranslateSpec(String from, String to, String role, String method, boolean normalize, Integer topK, double exponent) {
            this(from, to, role, method, normalize, topK, exponent, null);
        }
    }

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

    /** The body that fits this pair's roles when they are not the PUT's defaults (e.g. the document-role translator of ingest). */
    static String fitBody(Pair pair) {
        boolean defaults = pair.sourceRole().equals(pair.source().resolveRole(ModelRecord.QUERY_ROLE))
            && pair.targetRole().equals(pair.target().resolveRole(ModelRecord.DOCUMENT_ROLE));
        return defaults ? "" : " {\"source_role\": \"" + pair.sourceRole() + "\", \"target_role\": \"" + pair.targetRole() + "\"}";
    }

    public static boolean stale(TranslatorRecord t, ModelRecord source, ModelRecord target) {
        ModelRecord.RoleAnchors s = source.anchorsOf(t.sourceRole()), g = target.anchorsOf(t.targetRole());
        return s == null || g == null || s.generation() != t.sourceGeneration() || g.generation() != t.targetGeneration();
    }

    /** Both models, fresh from the index. */
    public static void models(LatentServices services, String source, String target, ActionListener<ModelRecord[]> listener) {
        services.store().getModel(source, listener.delegateFailureAndWrap((l, s) -> services.store().getModel(target,
            l.map(t -> new ModelRecord[] {s, t}))));
    }

    /**
     * {@code POST /_latent/_translate}: vectors of {@code from} into {@code to}'s space with the stored translator, or
     * into {@code from}'s relative space with {@code "to": "_relative"}. Served from this node's cache.
     */
    public static final class TransportTranslate extends LatentAction {
        @Inject
        public TransportTranslate(TransportService ts, ActionFilters af, ThreadPool tp, LatentServices services) {
            super(TRANSLATE, ts, af, tp.generic(), services);
        }

        @Override
        void run(Task task, LatentRequest request, ActionListener<LatentResponse> listener) {
            Body body = request.body(Set.of("from", "to", "vectors", "role", "normalize", "method", "top_k", "exponent"));
            if (RELATIVE_TARGET.equals(body.string("to", null)) == false && (body.has("top_k") || body.has("exponent"))) {
                throw LatentExceptions.badRequest("[top_k] and [exponent] sparsify relative vectors: they apply only with [to: "
                    + RELATIVE_TARGET + "]");
            }
            TranslateSpec spec = new TranslateSpec(body.requiredString("from"), body.requiredString("to"), body.string("role",
                ModelRecord.QUERY_ROLE), body.string("method", "auto"), body.bool("normalize", false), body.integer("top_k", null),
                body.number("exponent", 1.0));
            translate(services, spec, source -> body.vectors("vectors", source.dims(), services.maxTranslateVectors()), listener);
        }

        /**
         * Translates {@code vectors} (read once the source model, and so its dimension, is known) as {@code spec} says, from
         * this node's cache: synchronously when everything is cached, asynchronously on a miss.
         */
        static void translate(LatentServices services, TranslateSpec spec, Function<ModelRecord, float[][]> vectorsOf,
                              ActionListener<LatentResponse> listener) {
            String from = spec.from(), to = spec.to(), method = spec.method();
            if (method.equals("auto") == false && method.equals(Method.INVERSE_RELATIVE.apiName()) == false) {
                throw LatentExceptions.badRequest("[method] must be [auto] (the stored translator) or [inverse_relative] (no pairwise fit), got ["
                    + method + "]");
            }
            LatentCache cache = services.cache();
            cache.model(from, listener.delegateFailureAndWrap((l, source) -> {
                float[][] vectors = vectorsOf.apply(source);
                String sourceRole = source.resolveRole(spec.role());
                if (to.equals(RELATIVE_TARGET) && spec.alignWith() != null && spec.alignWith().equals(from) == false) {
                    // a relative field of another model: its coordinates follow that model's sorted anchor ids, ours must match
                    cache.model(spec.alignWith(), l.delegateFailureAndWrap((l2, fieldModel) -> cache.relative(fieldModel,
                        fieldModel.resolveRole(ModelRecord.DOCUMENT_ROLE), l2.delegateFailureAndWrap((l3, fieldSpace) -> cache.relative(source,
                            sourceRole, l3.delegateFailureAndWrap((l4, querySpace) -> {
                                if (fieldSpace.ids().equals(querySpace.ids()) == false) {
                                    throw LatentExceptions.badRequest("the relative spaces of [" + from + "] and [" + spec.alignWith()
                                        + "] differ: their anchors have different ids ([" + querySpace.ids().size() + "] and ["
                                        + fieldSpace.ids().size() + "]); upload the same anchor ids to both models");
                                }
                                translate(services, new TranslateSpec(from, to, spec.role(), method, spec.normalize(), spec.topK(),
                                    spec.exponent()), vectorsOf, l4);
                            }))))));
                    return;
                }
                if (to.equals(RELATIVE_TARGET)) {
                    cache.relative(source, sourceRole, spec.topK(), spec.exponent(), l.map(p -> {
                        LatentResponse dense = respond(services, p, vectors, true, Map.of("to", RELATIVE_TARGET, "role", sourceRole, "dims",
                            p.targetDims(), "generation", source.anchorsOf(sourceRole).generation()));
                        return spec.topK() == null ? dense : sparse(dense, p.ids());
                    }));
                    return;
                }
                cache.model(to, l.delegateFailureAndWrap((l2, target) -> {
                    Pair pair = Pair.of(source, sourceRole, target, null);
                    if (method.equals(Method.INVERSE_RELATIVE.apiName())) {
                        cache.inverseRelative(source, sourceRole, target, pair.targetRole(), l2.map(t -> respond(services, t, vectors,
                            spec.normalize(), Map.of("method", Method.INVERSE_RELATIVE.apiName()))));
                        return;
                    }
                    cache.translator(pair.key(), List.of(from, to), ActionListener.wrap(t -> l2.onResponse(respond(services, t.translator(),
                        vectors, spec.normalize(), Map.of("method", t.translator().method().apiName(), "translator_version",
                            t.record().version(), "stale", stale(t.record(), source, target)))), e -> {
                        if (ExceptionsHelper.unwrapCause(e) instanceof ResourceNotFoundException) {
                            l2.onFailure(new ResourceNotFoundException("latent translator [" + pair.key() + "] not found; fit it with PUT "
                                + "/_latent/translator/" + from + "/" + to + fitBody(pair)));
                        } else {
                            l2.onFailure(e);
                        }
                    }));
                }));
            }));
        }

        /** Sparse relative vectors: anchor id to weight, zeros left out ({@code sparse_vector} fields take positive weights only). */
        private static LatentResponse sparse(LatentResponse dense, List<String> ids) {
            float[][] rows = (float[][]) dense.body().get("vectors");
            List<Map<String, Float>> out = new java.util.ArrayList<>(rows.length);
            for (float[] row : rows) {
                Map<String, Float> weights = new LinkedHashMap<>();
                for (int i = 0; i < row.length; i++) {
                    if (row[i] > 0) {
                        weights.put(ids.get(i), row[i]);
                    }
                }
                out.add(weights);
            }
            Map<String, Object> body = new LinkedHashMap<>(dense.body());
            body.remove("vectors");
            body.put("weights", out);
            return new LatentResponse(body);
        }

        private static LatentResponse respond(LatentServices services, Translator translator, float[][] vectors, boolean normalize,
                                              Map<String, Object> extra) {
            long start = System.nanoTime();
            float[][] out = translator.translateAll(vectors, normalize);
            services.cache().recordTranslations(out.length, System.nanoTime() - start);
            Map<String, Object> body = new LinkedHashMap<>(extra);
            body.put("vectors", out);
            return new LatentResponse(body);
        }
    }
}
