package org.latentbridge.plugin.action.translator;

import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.ActionRunnable;
import org.elasticsearch.action.support.ActionFilters;
import org.elasticsearch.common.UUIDs;
import org.elasticsearch.common.util.concurrent.ThreadContext;
import org.elasticsearch.core.Nullable;
import org.elasticsearch.index.engine.VersionConflictEngineException;
import org.elasticsearch.injection.guice.Inject;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.transport.TransportService;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.fit.Calibration;
import org.latentbridge.core.fit.DocumentCorrection;
import org.latentbridge.core.fit.FitOptions;
import org.latentbridge.core.fit.FitResult;
import org.latentbridge.core.fit.QualityGateException;
import org.latentbridge.core.fit.ScoreCalibration;
import org.latentbridge.core.fit.TranslatorFitter;
import org.latentbridge.core.fit.UnpairedPools;
import org.latentbridge.core.io.BinaryCodec;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.SpaceTranslator;
import org.latentbridge.plugin.LatentExceptions;
import org.latentbridge.plugin.action.CalibrationSearch;
import org.latentbridge.plugin.action.LatentQualityException;
import org.latentbridge.plugin.action.LatentServices;
import org.latentbridge.plugin.action.LatentTransportAction;
import org.latentbridge.plugin.action.Reports;
import org.latentbridge.plugin.store.LatentStore;
import org.latentbridge.plugin.store.ModelRecord;
import org.latentbridge.plugin.store.TranslatorRecord;
import org.latentbridge.plugin.store.VectorKind;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads both models, refuses a pair it could not use, loads both anchor sets (and both pools of unpaired vectors, for a
 * pool method, or for {@code auto} when both roles have one), fits on the fit pool (and calibrates, when asked), then
 * stores the result only if neither model's anchors nor the pools fitted on changed during the fit (else 409). A refusal
 * by {@code min_quality} keeps the previous translator.
 */
public final class TransportPutTranslatorAction extends LatentTransportAction<PutTranslatorAction.Request, PutTranslatorAction.Response> {
    /** Concurrent fits of one translator each get a version of their own; this bounds the rounds of that race. */
    private static final int STORE_ATTEMPTS = 20;

    @Inject
    public TransportPutTranslatorAction(TransportService ts, ActionFilters af, LatentServices services) {
        super(PutTranslatorAction.NAME, ts, af, PutTranslatorAction.Request::new, services.fitPool(), services);
    }

    /** What one fit carries from the request to the store. */
    private record Fit(Task task, TranslatorPair pair, FitOptions options, CalibrationSearch.Spec calibration,
                       List<CalibrationSearch.LabelledPair> labelled, Supplier<ThreadContext.StoredContext> callerContext,
                       boolean withPools) {}

    @Override
    protected void perform(Task task, PutTranslatorAction.Request request, ActionListener<PutTranslatorAction.Response> listener) {
        // calibration searches run with the caller's rights on its index, whatever context the anchor loads leave behind
        Supplier<ThreadContext.StoredContext> callerContext = services.client().threadPool().getThreadContext().newRestorableContext(false);
        FitOptions options = request.fitOptions().withCancellation(cancelled(task)).withProducts(services.fitProducts());
        TranslatorPath path = request.path();
        TranslatorPair.readModels(services, path.source(), path.target(), listener.delegateFailureAndWrap((l, m) -> {
            if (path.targetRole() == null && m[1].roles().contains(ModelRecord.DOCUMENT_ROLE) == false) {
                throw LatentExceptions.badRequest("latent model [" + m[1].model() + "] has no role [" + ModelRecord.DOCUMENT_ROLE
                    + "], which [target_role] defaults to and which searches and ingest translate into; its roles are " + m[1].roles());
            }
            TranslatorPair pair = TranslatorPair.of(m[0], path.sourceRole(), m[1], path.targetRole());
            CalibrationSearch.Spec calibration = request.calibration();
            Fit fit = new Fit(task, pair, options, calibration, calibration == null ? null : calibration.pairs(pair.source().dims()),
                callerContext, withPools(pair, options.method()));
            services.cache().anchors(pair.source(), pair.sourceRole(), l.delegateFailureAndWrap((l2, sourceAnchors) ->
                services.cache().anchors(pair.target(), pair.targetRole(), l2.delegateFailureAndWrap((l3, targetAnchors) ->
                    loadPools(fit, sourceAnchors, targetAnchors, l3.delegateFailureAndWrap((l4, pools) -> services.fitPool().execute(
                        ActionRunnable.wrap(l4, l5 -> fitAndStore(fit, sourceAnchors, targetAnchors, pools, l5)))))))));
        }));
    }

    /**
     * Whether the fit reads pools: always for a pool method (a role without a pool is a 400 that says how to upload one),
     * for {@code auto} when both roles have one (core then decides whether the shared anchors are few enough to use them),
     * never for the other methods.
     */
    static boolean withPools(TranslatorPair pair, @Nullable Method method) {
        boolean sourcePool = pair.source().hasPool(pair.sourceRole()), targetPool = pair.target().hasPool(pair.targetRole());
        if (method != null && method.usesPools()) {
            if (sourcePool == false) {
                throw LatentStore.noPool(pair.source().model(), pair.sourceRole());
            }
            if (targetPool == false) {
                throw LatentStore.noPool(pair.target().model(), pair.targetRole());
            }
            return true;
        }
        return method == null && sourcePool && targetPool;
    }

    /**
     * Both pools, read from the store (only fits read them: they do not take room in the node cache); null without pools,
     * and for {@code auto} when the models share enough anchors that core would not use the pools anyway.
     */
    private void loadPools(Fit fit, AnchorSet sourceAnchors, AnchorSet targetAnchors, ActionListener<UnpairedPools> listener) {
        if (fit.withPools() == false || (fit.options().method() == null && autoMayUsePools(sourceAnchors, targetAnchors) == false)) {
            listener.onResponse(null);
            return;
        }
        TranslatorPair pair = fit.pair();
        services.store().loadVectors(VectorKind.POOL, pair.source(), pair.sourceRole(), listener.delegateFailureAndWrap((l, source) ->
            services.store().loadVectors(VectorKind.POOL, pair.target(), pair.targetRole(), l.map(target -> new UnpairedPools(source,
                target)))));
    }

    /**
     * Fits, then stores. It runs on the fit pool inside an {@link ActionRunnable}: whatever it throws (building the report,
     * encoding the translator) or a rejection by the pool fails the listener, so the caller is always answered.
     */
    private void fitAndStore(Fit f, AnchorSet sourceAnchors, AnchorSet targetAnchors, @Nullable UnpairedPools pools,
                             ActionListener<PutTranslatorAction.Response> listener) {
        FitResult fit;
        List<Calibration.Candidate> candidates;
        try {
            fit = TranslatorFitter.fit(sourceAnchors, targetAnchors, pools, f.options());
            candidates = f.calibration() == null ? null : Calibration.candidates(fit, sourceAnchors, targetAnchors, f.options());
        } catch (QualityGateException e) {
            throw new LatentQualityException(e.getMessage(), Reports.allMetrics(e.metrics()));
        }
        if (f.calibration() == null) {
            Map<String, Object> report = Reports.fit(fit, fit.translator(), fit.method() == Method.ORTHOGONAL_KERNEL ? fit.kernel() : null,
                f.options());
            withPoolGenerations(report, f.pair());
            storeChecked(f.pair(), Fitted.of(fit, fit.translator(), report), STORE_ATTEMPTS, listener);
            return;
        }
        CalibrationSearch.run(services, f.task(), f.calibration(), f.labelled(), candidates, f.callerContext(),
            listener.delegateFailureAndWrap((l, result) -> {
                SpaceTranslator chosen = result.chosen().translator();
                Map<String, Object> report = Reports.fit(fit, chosen, result.chosen().kernel(), f.options());
                report.put("calibration", result.report(f.calibration()));
                withPoolGenerations(report, f.pair());
                storeChecked(f.pair(), Fitted.of(fit, chosen, report), STORE_ATTEMPTS, l);
            }));
    }

    /** Whether {@code auto} could fit from pools: core's rule, fewer shared anchors than {@link TranslatorFitter#poolPairLimit}. */
    static boolean autoMayUsePools(AnchorSet source, AnchorSet target) {
        int shared = 0;
        for (String id : source.ids()) {
            if (target.rowOf(id) >= 0) {
                shared++;
            }
        }
        return shared < TranslatorFitter.poolPairLimit(source.dims(), target.dims());
    }

    /** A pool fit's report names the pools' generations it was fitted on, so that GET shows what it learnt from. */
    private static void withPoolGenerations(Map<String, Object> report, TranslatorPair pair) {
        if (report.get("pools") instanceof Map<?, ?> pools) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) pools;
            m.put("source_pool_generation", pair.sourcePoolGeneration());
            m.put("target_pool_generation", pair.targetPoolGeneration());
        }
    }

    /**
     * What a fit stores: its report, the translator's binary form followed by the document map's (when there is one), the
     * score calibration and the document correction. The report shows both as {@code score_calibration} and
     * {@code document_correction}.
     */
    private record Fitted(Map<String, Object> report, byte[] blob, ScoreCalibration calibration, DocumentCorrection documents,
                          int documentBlobOffset) {
        static Fitted of(FitResult fit, SpaceTranslator translator, Map<String, Object> report) {
            byte[] main = BinaryCodec.encode(translator);
            report.put("score_calibration", fit.calibration().toMap());
            if (fit.documents() != null) {
                report.put("document_correction", fit.documents().toMap());
            }
            if (fit.documentTranslator() == null) {
                return new Fitted(report, main, fit.calibration(), fit.documents(), -1);
            }
            byte[] documents = BinaryCodec.encode(fit.documentTranslator());
            byte[] blob = Arrays.copyOf(main, main.length + documents.length);
            System.arraycopy(documents, 0, blob, main.length, documents.length);
            return new Fitted(report, blob, fit.calibration(), fit.documents(), main.length);
        }
    }

    /**
     * Stores the fit as the next version, if neither model's anchors changed during the fit (409 otherwise). When another
     * fit of the same translator stored a version meanwhile, this fit is still valid: it goes in as the version after that.
     */
    private void storeChecked(TranslatorPair pair, Fitted fitted, int attempts,
                              ActionListener<PutTranslatorAction.Response> listener) {
        TranslatorPair.readModels(services, pair.source().model(), pair.target().model(), listener.delegateFailureAndWrap((l, now) -> {
            TranslatorPair current = new TranslatorPair(now[0], pair.sourceRole(), now[1], pair.targetRole());
            if (current.sourceGeneration() != pair.sourceGeneration() || current.targetGeneration() != pair.targetGeneration()) {
                throw LatentExceptions.conflict("the anchors of [" + pair.source().model() + "] or [" + pair.target().model()
                    + "] changed during the fit; the translator was not stored, fit again");
            }
            if (fitted.report().containsKey("pools") && (current.sourcePoolGeneration() != pair.sourcePoolGeneration()
                || current.targetPoolGeneration() != pair.targetPoolGeneration())) {
                throw LatentExceptions.conflict("the pools of [" + pair.source().model() + "] or [" + pair.target().model()
                    + "] changed during the fit; the translator was not stored, fit again");
            }
            services.store().translatorSlot(pair.key(), l.delegateFailureAndWrap((l2, slot) -> {
                TranslatorRecord record = new TranslatorRecord(pair.source().model(), pair.sourceRole(), pair.target().model(),
                    pair.targetRole(), slot.version() + 1, UUIDs.randomBase64UUID(), pair.sourceGeneration(), pair.targetGeneration(),
                    fitted.report(), fitted.blob(), fitted.calibration(), fitted.documents(), fitted.documentBlobOffset());
                services.store().putTranslator(record, slot, ActionListener.wrap(
                    ignored -> services.invalidateThen(List.of(pair.source().model(), pair.target().model()),
                        new PutTranslatorAction.Response(TranslatorInfo.of(record, false)), l2),
                    e -> {
                        boolean conflict = ExceptionsHelper.unwrapCause(e) instanceof VersionConflictEngineException;
                        if (conflict && attempts > 1) {
                            storeChecked(pair, fitted, attempts - 1, l2);
                        } else if (conflict) {
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
