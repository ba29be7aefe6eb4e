package org.latentbridge.plugin.action;

import org.latentbridge.core.anchor.AnchorDiagnostics;
import org.latentbridge.core.anchor.AnchorStatistics;
import org.latentbridge.core.fit.ContrastiveSettings;
import org.latentbridge.core.fit.FitOptions;
import org.latentbridge.core.fit.FitResult;
import org.latentbridge.core.fit.PairDiagnostics;
import org.latentbridge.core.linalg.Vectors;
import org.latentbridge.core.metrics.HeldOutMetrics;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.Preprocessing;
import org.latentbridge.core.translate.SpaceTranslator;

import java.util.LinkedHashMap;
import java.util.Map;

/** The API shapes of core's results (field names are the contract of docs/architecture.md §8). */
public final class Reports {
    private Reports() {}

    public static Map<String, Object> statistics(AnchorStatistics s) {
        double stdMean = 0;
        for (float v : s.std()) {
            stdMean += v;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", s.count());
        m.put("mean_norm", Vectors.norm(s.mean())); // in double: squares of components near the float limit overflow a float
        m.put("mean_std", stdMean / s.std().length);
        m.put("mean_centered_norm", s.meanCenteredNorm());
        m.put("mean_standardized_norm", s.meanStandardizedNorm());
        return m;
    }

    public static Map<String, Object> diagnostics(AnchorDiagnostics d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("condition_number", d.conditionNumber());
        m.put("effective_rank", d.effectiveRank());
        m.put("numerical_rank", d.numericalRank());
        m.put("similarity_compression", d.similarityCompression());
        m.put("warnings", d.warnings());
        return m;
    }

    static Map<String, Object> metrics(HeldOutMetrics h) {
        Map<String, Object> m = new LinkedHashMap<>(h.asMap());
        m.put("held_out", h.count());
        return m;
    }

    public static Map<String, Object> allMetrics(Map<Method, HeldOutMetrics> metrics) {
        Map<String, Object> m = new LinkedHashMap<>();
        metrics.forEach((method, h) -> m.put(method.apiName(), metrics(h)));
        return m;
    }

    static Map<String, Object> preprocessing(Preprocessing p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("center", p.center());
        m.put("standardize", p.standardize());
        m.put("normalize", p.normalize());
        m.put("mean_weight", p.meanWeight());
        return m;
    }

    /**
     * The fit report stored with a translator and returned by PUT and GET translator.
     *
     * @param stored  the translator stored: the fit's own, or the one calibration chose among its variants
     * @param kernel  the kernel settings {@code stored} was fitted with (null unless it is {@code orthogonal_kernel})
     * @param options the options the fit ran with
     */
    public static Map<String, Object> fit(FitResult fit, SpaceTranslator stored, FitResult.KernelSettings kernel, FitOptions options) {
        Preprocessing preprocessing = stored.target().preprocessing();
        PairDiagnostics d = fit.diagnostics();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", fit.method().apiName());
        m.put("took_millis", fit.tookMillis());
        m.put("anchors", Map.of("shared", fit.sharedAnchors(), "fit", fit.fitAnchors(), "held_out", fit.heldOut()));
        m.put("metrics", allMetrics(fit.metrics()));
        Map<String, Object> lambdas = new LinkedHashMap<>();
        fit.lambdas().forEach((method, l) -> lambdas.put(method.apiName(), l));
        m.put("lambdas", lambdas);
        if (kernel != null) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("temperature", kernel.temperature());
            k.put("lambda", kernel.lambda());
            k.put("centres", kernel.centres());
            k.put("max_centres", options.maxKernelCentres());
            m.put("kernel", k);
        }
        if (fit.contrastive() != null) {
            m.put("contrastive", contrastive(fit.contrastive()));
        }
        if (fit.pools() != null) {
            m.put("pools", pools(fit.pools()));
        }
        if (fit.selection() != null) {
            m.put("selection", fit.selection());
        }
        Map<String, Object> diag = new LinkedHashMap<>();
        diag.put("condition_number", d.conditionNumber());
        diag.put("effective_rank", d.effectiveRank());
        diag.put("numerical_rank", d.numericalRank());
        diag.put("similarity_compression", d.similarityCompression());
        diag.put("target_similarity_compression", d.targetSimilarityCompression());
        diag.put("cka", d.cka());
        diag.put("warnings", d.warnings());
        m.put("diagnostics", diag);
        m.put("preprocess", preprocessing(preprocessing));
        m.put("holdout", options.holdout());
        m.put("seed", options.seed());
        return m;
    }

    /**
     * What a fit from pools of unpaired vectors did: the pools' sizes, the cross-validated weight of the known pairs, the
     * refinement rounds, the pairs recovered from the pools and their share of the smaller pool, and whether the recovery
     * held ({@code recovered}; a warning says why not).
     */
    public static Map<String, Object> pools(FitResult.PoolRun run) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source_pool", run.sourcePool());
        m.put("target_pool", run.targetPool());
        m.put("pair_weight", run.pairWeight());
        m.put("rounds", run.rounds());
        m.put("recovered_pairs", run.recoveredPairs());
        m.put("mutual_match_share", run.mutualMatchShare());
        m.put("recovered", run.recovered());
        return m;
    }

    /** What the contrastive candidate's optimisation ran with and where it stopped. */
    static Map<String, Object> contrastive(FitResult.ContrastiveRun run) {
        ContrastiveSettings s = run.settings();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_steps", s.maxSteps());
        m.put("temperature", s.temperature());
        m.put("learning_rate", s.learningRate());
        m.put("batch_size", s.batchSize());
        m.put("chosen_step", run.chosenStep());
        m.put("refit_steps", run.refitSteps());
        m.put("start_loss", run.startLoss());
        m.put("chosen_loss", run.chosenLoss());
        return m;
    }
}
