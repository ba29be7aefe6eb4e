package org.latentbridge.core.fit;

import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.translate.KernelTranslator;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.SpaceTranslator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Calibration on labelled pairs (query vectors of the source model, ids of relevant documents): the settings anchors
 * cannot choose, because same-text retrieval among anchors saturates, are chosen by the recall the pairs measure
 * through the real index: {@code mean_weight} for every method, and the kernel width and regularisation for
 * {@code orthogonal_kernel}.
 *
 * <p>The caller runs each candidate's translated queries against the index and hands back the recall matrix;
 * {@link #choose} picks the best candidate on all pairs, and reports the recall of the selection procedure
 * cross-validated over folds of the pairs, so that the reported gain is never scored on the pairs it was tuned on.
 */
public final class Calibration {
    /** The mean weights weighed against each other (chosen on labelled pairs: docs/architecture.md §3.5). */
    public static final double[] MEAN_WEIGHTS = {0, 0.25, 0.5, 0.75, 1};
    public static final int DEFAULT_FOLDS = 5;
    /** Fewest pairs a calibration accepts: with fewer, every fold scores a handful of queries and the choice is noise. */
    public static final int MIN_PAIRS = 20;
    /**
     * Recall sums closer than this are a tie (the earlier candidate wins). Each sum adds at most a few thousand recalls
     * in [0, 1] in different orders, so rounding moves it by about 1e-13 at most; a real difference is one more hit in
     * one pair, at least 1/|relevant|, about 1e-3 at the plugin's limit of 1,000 relevant documents a pair.
     */
    static final double RECALL_TIE = 1e-12;

    private Calibration() {}

    /**
     * One setting to weigh: a translator and what distinguishes it, for the report.
     *
     * @param kernel   the kernel settings the translator was fitted with, for {@code orthogonal_kernel}; else null
     * @param settings e.g. {@code mean_weight}, {@code temperature}, {@code lambda}
     */
    public record Candidate(SpaceTranslator translator, FitResult.KernelSettings kernel, Map<String, Object> settings) {}

    /**
     * The outcome.
     *
     * @param chosen        index of the candidate chosen on all pairs
     * @param recallBefore  mean recall of the uncalibrated translator (candidate 0) over all pairs
     * @param recallAfter   mean recall of the selection procedure, cross-validated: each fold is scored with the
     *                      candidate chosen on the other folds
     * @param recallChosen  mean recall of the chosen candidate over all pairs (in-sample, optimistic)
     */
    public record Outcome(int chosen, double recallBefore, double recallAfter, double recallChosen, int pairs, int folds) {}

    /**
     * The candidates for a fitted translator, the uncalibrated one first: its method under every mean weight, and for
     * {@code orthogonal_kernel} also each kernel width and regularisation around the anchors' choice, refitted on all
     * anchors.
     */
    public static List<Candidate> candidates(FitResult fit, AnchorSet source, AnchorSet target, FitOptions options) {
        List<Candidate> out = new ArrayList<>();
        SpaceTranslator base = fit.translator();
        double defaultWeight = base.target().preprocessing().meanWeight();
        List<SpaceTranslator> variants = new ArrayList<>(List.of(base));
        FitResult.KernelSettings baseKernel = fit.method() == Method.ORTHOGONAL_KERNEL ? fit.kernel() : null;
        List<FitResult.KernelSettings> variantKernels = new ArrayList<>(Collections.singletonList(baseKernel));
        if (fit.method() == Method.ORTHOGONAL_KERNEL) {
            FitResult.KernelSettings chosen = fit.kernel();
            for (double temperature : KernelCorrectionFit.TEMPERATURES) {
                for (double lambda : KernelCorrectionFit.LAMBDAS) {
                    boolean neighbour = (temperature == chosen.temperature()) != (lambda == chosen.lambda());
                    if (neighbour) { // one setting changed at a time: a cross around the anchors' choice
                        FitResult.KernelSettings s = new FitResult.KernelSettings(temperature, lambda, chosen.centres());
                        KernelTranslator t = TranslatorFitter.fitKernel(source, target, options, s);
                        variants.add(t);
                        variantKernels.add(s);
                    }
                }
            }
        }
        for (int v = 0; v < variants.size(); v++) {
            for (double weight : withFirst(defaultWeight)) {
                FitResult.KernelSettings kernel = variantKernels.get(v);
                Map<String, Object> settings = new LinkedHashMap<>();
                if (kernel != null) {
                    settings.put("temperature", kernel.temperature());
                    settings.put("lambda", kernel.lambda());
                    settings.put("centres", kernel.centres());
                }
                settings.put("mean_weight", weight);
                SpaceTranslator t = weight == defaultWeight ? variants.get(v) : variants.get(v).withMeanWeight(weight);
                out.add(new Candidate(t, kernel, Collections.unmodifiableMap(settings)));
            }
        }
        return out;
    }

    private static List<Double> withFirst(double first) {
        List<Double> weights = new ArrayList<>(List.of(first));
        for (double w : MEAN_WEIGHTS) {
            if (w != first) {
                weights.add(w);
            }
        }
        return weights;
    }

    /** Recall at {@code k} of one ranking: the share of the relevant ids among the first {@code k} hits. */
    public static double recall(List<String> hits, Set<String> relevant, int k) {
        if (relevant.isEmpty()) {
            throw new IllegalArgumentException("a calibration pair needs at least one relevant document");
        }
        int found = 0;
        for (int i = 0; i < Math.min(k, hits.size()); i++) {
            if (relevant.contains(hits.get(i))) {
                found++;
            }
        }
        return (double) found / relevant.size();
    }

    /**
     * Chooses among candidates by mean recall. {@code recall[c][p]} is candidate {@code c}'s recall on pair {@code p};
     * candidate 0 is the uncalibrated translator, and ties go to the earlier candidate (so to no change).
     */
    public static Outcome choose(double[][] recall, int folds, long seed) {
        if (recall.length == 0) {
            throw new IllegalArgumentException("calibration needs at least one candidate, got none");
        }
        int candidates = recall.length, pairs = recall[0].length;
        for (int c = 1; c < candidates; c++) {
            if (recall[c].length != pairs) {
                throw new IllegalArgumentException("[recall] of candidate [" + c + "] has [" + recall[c].length
                    + "] pairs, candidate [0] has [" + pairs + "]: " + recall[c].length + "!=" + pairs);
            }
        }
        if (pairs < MIN_PAIRS) {
            throw new IllegalArgumentException("[calibration.pairs] has [" + pairs + "] pairs; calibration needs at least [" + MIN_PAIRS
                + "] so that its cross-validated recall means something");
        }
        int f = Math.max(2, Math.min(folds, pairs));
        List<Integer> order = new ArrayList<>();
        for (int p = 0; p < pairs; p++) {
            order.add(p);
        }
        Collections.shuffle(order, new Random(seed));
        int[] foldOf = new int[pairs];
        for (int i = 0; i < pairs; i++) {
            foldOf[order.get(i)] = i % f;
        }
        double after = 0;
        for (int fold = 0; fold < f; fold++) {
            int best = best(recall, foldOf, fold, true);
            for (int p = 0; p < pairs; p++) {
                if (foldOf[p] == fold) {
                    after += recall[best][p];
                }
            }
        }
        int chosen = best(recall, foldOf, -1, false);
        return new Outcome(chosen, mean(recall[0]), after / pairs, mean(recall[chosen]), pairs, f);
    }

    /** The candidate with the highest recall summed over pairs outside {@code fold} (or all pairs); ties to the earliest. */
    private static int best(double[][] recall, int[] foldOf, int fold, boolean exclude) {
        int best = 0;
        double bestSum = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < recall.length; c++) {
            double sum = 0;
            for (int p = 0; p < foldOf.length; p++) {
                if (exclude == false || foldOf[p] != fold) {
                    sum += recall[c][p];
                }
            }
            if (sum > bestSum + RECALL_TIE) {
                best = c;
                bestSum = sum;
            }
        }
        return best;
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElseThrow();
    }
}
