package org.latentbridge.plugin.action;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.common.util.concurrent.ThreadContext;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.threadpool.ThreadPool;
import org.elasticsearch.transport.TransportService;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.fit.Calibration;
import org.latentbridge.core.fit.FitOptions;
import org.latentbridge.core.fit.FitResult;
import org.latentbridge.core.fit.QualityGateException;
import org.latentbridge.core.fit.TranslatorFitter;
import org.latentbridge.core.io.BinaryCodec;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.Preprocessing;
import org.latentbridge.core.translate.SpaceTranslator;
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
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The translator endpoints: fit, read, delete, and translate vectors. */
public final class TranslatorActions {
    public static final ActionType<LatentResponse> PUT = new ActionType<>("cluster:admin/latent/translator/put");
    public static final ActionType<LatentResponse> GET = new ActionType<>("cluster:monitor/latent/translator/get");
    public static final ActionType<LatentResponse> DELETE = new ActionType<>("cluster:admin/latent/translator/delete");
    public static final ActionType<LatentResponse> TRANSLATE = new ActionType<>("cluster:monitor/latent/translate");

    private TranslatorActions() {}

    /** Roles of a translator between two models: requested (defaults query/document), then resolved against each model. */
    record Pair(ModelRecord source, String sourceRole, ModelRecord target, String targetRole) {
        static Pair of(ModelRecord source, String sourceRole, ModelRecord target, String targetRole) {
            return new Pair(source, source.resolveRole(sourceRole == null ? ModelRecord.QUERY_ROLE : sourceRole), target,
                target.resolveRole(targetRole == null ? ModelRecord.DOCUMENT_ROLE : targetRole));
        }

        String key() {
            return TranslatorRecord.key(source.model(), sourceRole, target.model(), targetRole);
        }

        long sourceGeneration() {
            ModelRecord.RoleAnchors a = source.anchorsOf(sourceRole);
            return a == null ? 0 : a.generation();
        }

        long targetGeneration() {
            ModelRecord.RoleAnchors a = target.anchorsOf(targetRole);
            return a == null ? 0 : a.generation();
        }
    }

    /** The fit method a PUT names: null for {@code auto}; the message lists exactly what a fit accepts. */
    static Method fitMethod(String name) {
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

    static boolean stale(TranslatorRecord t, ModelRecord source, ModelRecord target) {
        return TranslationService.stale(t, source, target);
    }

    /** Both models, fresh from the index. */
    static void models(LatentServices services, String source, String target, ActionListener<ModelRecord[]> listener) {
        services.store().getModel(source, listener.delegateFailureAndWrap((l, s) -> services.store().getModel(target,
            l.map(t -> new ModelRecord[] {s, t}))));
    }

    /**
     * {@code PUT /_latent/translator/{source}/{target}}: fits on the fit pool and stores the result only if neither
     * model's anchors changed during the fit (else 409). A refusal by {@code min_quality} keeps the previous translator.
     */
    public static final class TransportPut extends LatentAction {
        /** Concurrent fits of one translator each get a version of their own; this bounds the rounds of that race. */
        private static final int STORE_ATTEMPTS = 20;

        @Inject
        public TransportPut(TransportService ts, ActionFilters af, LatentServices services) {
            super(PUT, ts, af, services.fitPool(), services);
        }

        @Override
        void run(Task task, LatentRequest request, ActionListener<LatentResponse> listener) {
            String sourceName = request.param("source"), targetName = request.param("target");
            Body body = request.body(Set.of("method", "source_role", "target_role", "preprocess", "holdout", "seed", "min_quality",
                "calibration"));
            CalibrationSearch.Spec calibration = CalibrationSearch.Spec.parse(body);
            // calibration searches run with the caller's rights on its index, whatever context the anchor loads leave behind
            Supplier<ThreadContext.StoredContext> callerContext = services.client().threadPool().getThreadContext().newRestorableContext(false);
            String methodName = body.string("method", "auto");
            Method method = fitMethod(methodName);
            Body pre = body.object("preprocess", Set.of("center", "standardize", "normalize", "mean_weight"));
            Preprocessing d = Preprocessing.DEFAULT;
            Preprocessing preprocessing = new Preprocessing(pre.bool("center", d.center()), pre.bool("standardize", d.standardize()),
                pre.bool("normalize", d.normalize()), pre.number("mean_weight", d.meanWeight()));
            double holdout = body.number("holdout", FitOptions.DEFAULT_HOLDOUT);
            long seed = body.integer("seed", 0);
            Body quality = body.object("min_quality", Set.copyOf(org.latentbridge.core.metrics.HeldOutMetrics.NAMES));
            Map<String, Double> minQuality = quality.keys().stream().collect(Collectors.toMap(Function.identity(), k -> quality.number(k, 0.0)));
            FitOptions options = FitOptions.defaults().withMethod(method).withPreprocessing(preprocessing).withHoldout(holdout).withSeed(seed)
                .withMinQuality(minQuality).withCancellation(cancelled(task)).withProducts(services.fitProducts());
            String sourceRole = body.string("source_role", null), targetRole = body.string("target_role", null);

            models(services, sourceName, targetName, listener.delegateFailureAndWrap((l, m) -> {
                Pair pair = Pair.of(m[0], sourceRole, m[1], targetRole);
                List<CalibrationSearch.LabelledPair> labelled = calibration == null ? null : calibration.pairs(pair.source().dims());
                services.cache().anchors(pair.source(), pair.sourceRole(), l.delegateFailureAndWrap((l2, sourceAnchors) ->
                    services.cache().anchors(pair.target(), pair.targetRole(), l2.delegateFailureAndWrap((l3, targetAnchors) ->
                        services.fitPool().execute(() -> fitAndStore(task, pair, sourceAnchors, targetAnchors, options, calibration, labelled,
                            callerContext, l3))))));
            }));
        }

        private void fitAndStore(Task task, Pair pair, AnchorSet sourceAnchors, AnchorSet targetAnchors, FitOptions options,
                                 CalibrationSearch.Spec calibration, List<CalibrationSearch.LabelledPair> labelled,
                                 Supplier<ThreadContext.StoredContext> callerContext, ActionListener<LatentResponse> listener) {
            FitResult fit;
            List<Calibration.Candidate> candidates;
            try {
                fit = TranslatorFitter.fit(sourceAnchors, targetAnchors, options);
                candidates = calibration == null ? null : Calibration.candidates(fit, sourceAnchors, targetAnchors, options);
            } catch (QualityGateException e) {
                listener.onFailure(new LatentQualityException(e.getMessage(), Reports.allMetrics(e.metrics())));
                return;
            } catch (Exception e) {
                listener.onFailure(e);
                return;
            }
            if (calibration == null) {
                Map<String, Object> report = Reports.fit(fit, fit.translator(), fit.method() == Method.ORTHOGONAL_KERNEL ? fit.kernel() : null,
                    options.holdout(), options.seed());
                storeChecked(pair, report, BinaryCodec.encode(fit.translator()), STORE_ATTEMPTS, listener);
                return;
            }
            CalibrationSearch.run(services, task, calibration, labelled, candidates, callerContext, listener.delegateFailureAndWrap((l, result) -> {
                SpaceTranslator chosen = result.chosen().translator();
                Map<String, Object> report = Reports.fit(fit, chosen, result.chosen().kernel(), options.holdout(), options.seed());
                report.put("calibration", result.report(calibration));
                storeChecked(pair, report, BinaryCodec.encode(chosen), STORE_ATTEMPTS, l);
            }));
        }

        /**
         * Stores the fit as the next version, if neither model's anchors changed during the fit (409 otherwise). When another
         * fit of the same translator stored a version meanwhile, this fit is still valid: it goes in as the version after that.
         */
        private void storeChecked(Pair pair, Map<String, Object> report, byte[] blob, int attempts, ActionListener<LatentResponse> listener) {
            models(services, pair.source().model(), pair.target().model(), listener.delegateFailureAndWrap((l, now) -> {
                Pair current = new Pair(now[0], pair.sourceRole(), now[1], pair.targetRole());
                if (current.sourceGeneration() != pair.sourceGeneration() || current.targetGeneration() != pair.targetGeneration()) {
                    throw LatentExceptions.conflict("the anchors of [" + pair.source().model() + "] or [" + pair.target().model()
                        + "] changed during the fit; the translator was not stored, fit again");
                }
                services.store().translatorSlot(pair.key(), l.delegateFailureAndWrap((l2, slot) -> {
                    TranslatorRecord record = new TranslatorRecord(pair.source().model(), pair.sourceRole(), pair.target().model(),
                        pair.targetRole(), slot.version() + 1, org.elasticsearch.common.UUIDs.randomBase64UUID(), pair.sourceGeneration(),
                        pair.targetGeneration(), report, blob);
                    services.store().putTranslator(record, slot, ActionListener.wrap(
                        ignored -> services.invalidateThen(List.of(pair.source().model(), pair.target().model()),
                            new LatentResponse(record.toApi(false)), l2),
                        e -> {
                            if (ExceptionsHelper.unwrapCause(e) instanceof org.elasticsearch.index.engine.VersionConflictEngineException
                                && attempts > 1) {
                                storeChecked(pair, report, blob, attempts - 1, l2);
                            } else if (ExceptionsHelper.unwrapCause(e) instanceof org.elasticsearch.index.engine.VersionConflictEngineException) {
                                l2.onFailure(LatentExceptions.conflict("latent translator [" + pair.key() + "] kept being stored by other "
                                    + "fits; fit again"));
                            } else {
                                l2.onFailure(e);
                            }
                        }));
                }));
            }));
        }
    }

    /** {@code GET /_latent/translator[/{source}/{target}]}: the fit report, and whether newer anchors exist ({@code stale}). */
    public static final class TransportGet extends LatentAction {
        @Inject
        public TransportGet(TransportService ts, ActionFilters af, ThreadPool tp, LatentServices services) {
            super(GET, ts, af, tp.generic(), services);
        }

        @Override
        void run(Task task, LatentRequest request, ActionListener<LatentResponse> listener) {
            String source = request.param("source"), target = request.param("target");
            if (source == null) {
                services.store().listTranslators(null, listener.delegateFailureAndWrap((l, translators) -> services.store().listModels(
                    l.map(models -> {
                        Map<String, ModelRecord> byName = models.stream().collect(Collectors.toMap(ModelRecord::model, x -> x));
                        return new LatentResponse(Map.of("translators", translators.stream().map(t -> t.toApi(byName.containsKey(t.source()) == false
                            || byName.containsKey(t.target()) == false || stale(t, byName.get(t.source()), byName.get(t.target())))).toList()));
                    }))));
                return;
            }
            models(services, source, target, listener.delegateFailureAndWrap((l, m) -> {
                Pair pair = Pair.of(m[0], request.param("source_role"), m[1], request.param("target_role"));
                services.store().getTranslator(pair.key(), false, l.map(t -> new LatentResponse(t.toApi(stale(t, m[0], m[1])))));
            }));
        }
    }

    /** {@code DELETE /_latent/translator/{source}/{target}[?source_role=&target_role=]}. */
    public static final class TransportDelete extends LatentAction {
        @Inject
        public TransportDelete(TransportService ts, ActionFilters af, ThreadPool tp, LatentServices services) {
            super(DELETE, ts, af, tp.generic(), services);
        }

        @Override
        void run(Task task, LatentRequest request, ActionListener<LatentResponse> listener) {
            models(services, request.param("source"), request.param("target"), listener.delegateFailureAndWrap((l, m) -> {
                Pair pair = Pair.of(m[0], request.param("source_role"), m[1], request.param("target_role"));
                services.store().deleteTranslator(pair.key(), l.delegateFailureAndWrap((l2, ignored) -> services.invalidateThen(
                    List.of(m[0].model(), m[1].model()), new LatentResponse(Map.of("acknowledged", true, "translator", pair.key())), l2)));
            }));
        }
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
