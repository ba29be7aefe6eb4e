package org.latentbridge.core.fit;

import org.latentbridge.core.metrics.HeldOutMetrics;
import org.latentbridge.core.translate.LinearTranslator;
import org.latentbridge.core.translate.SpaceTranslator;
import org.latentbridge.core.translate.Method;

import java.util.Map;

/**
 * A fitted translator and the evidence for it.
 *
 * @param translator   refitted on all shared anchors after the method was chosen
 * @param metrics      held-out metrics of every candidate method, in the order they were tried
 * @param lambdas      the relative ridge lambda each ridge method chose on the validation split
 * @param kernel       what {@code orthogonal_kernel} chose on the validation split, when it was a candidate; else null
 * @param selection    why {@code auto} preferred {@code contrastive} to {@code orthogonal} or not, and kept or passed over
 *                     {@code orthogonal_kernel}; null for an explicit method
 * @param fitAnchors   anchors the held-out evaluation was trained on (fit and validation rows)
 * @param heldOut      anchors held out for the metrics
 * @param calibration  the map of translated similarities onto the source's native scale, fitted on the held-out anchors
 *                     ({@link ScoreCalibration#IDENTITY} when it could not be fitted; the diagnostics then say why)
 * @param documents    how documents translated at index time are corrected, fitted on the held-out anchors
 * @param documentTranslator the map documents translated at index time go through ({@link DocumentCorrection}), refitted
 *                     on all shared anchors; null when there is no correction or it was not {@linkplain DocumentCorrection#applied
 *                     applied} (documents then take {@code translator})
 * @param contrastive  what the {@code contrastive} candidate's optimisation did, when it was a candidate; else null
 * @param pools        how a fit from unpaired pools went ({@code functional_map}, {@code gromov_wasserstein}); else null
 */
public record FitResult(SpaceTranslator translator, Method method, Map<Method, HeldOutMetrics> metrics, Map<Method, Double> lambdas,
                        KernelSettings kernel, String selection, PairDiagnostics diagnostics, int sharedAnchors, int fitAnchors,
                        int heldOut, long tookMillis, ScoreCalibration calibration, DocumentCorrection documents,
                        SpaceTranslator documentTranslator, ContrastiveRun contrastive, PoolRun pools) {

    /** A fit from paired anchors alone. */
    public FitResult(SpaceTranslator translator, Method method, Map<Method, HeldOutMetrics> metrics, Map<Method, Double> lambdas,
                     KernelSettings kernel, String selection, PairDiagnostics diagnostics, int sharedAnchors, int fitAnchors,
                     int heldOut, long tookMillis, ScoreCalibration calibration, DocumentCorrection documents,
                     SpaceTranslator documentTranslator, ContrastiveRun contrastive) {
        this(translator, method, metrics, lambdas, kernel, selection, diagnostics, sharedAnchors, fitAnchors, heldOut, tookMillis,
            calibration, documents, documentTranslator, contrastive, null);
    }

    /**
     * What a fit from unpaired pools did.
     *
     * @param sourcePool       unpaired source vectors used (after the cap on the work per round)
     * @param targetPool       unpaired target vectors used
     * @param pairWeight       the share of the Procrustes weight the known pairs carried, chosen by cross-validation on them
     * @param rounds           refinement rounds run
     * @param recoveredPairs   pool vectors whose translation and nearest target are each other's nearest neighbours under
     *                         the final map: correspondences the pools agree on
     * @param mutualMatchShare {@code recoveredPairs} over the smaller pool
     * @param recovered        whether the pools agree (a mutual-match share of at least {@link PoolFit#RECOVERED_SHARE}) and
     *                         the held-out pairs were found well above chance; when false the report warns
     */
    public record PoolRun(int sourcePool, int targetPool, double pairWeight, int rounds, int recoveredPairs, double mutualMatchShare,
                          boolean recovered) {}

    /** The kernel correction's settings, chosen on the validation split. */
    public record KernelSettings(double temperature, double lambda, int centres) {}

    /**
     * What a contrastive fit did.
     *
     * @param settings         the budget and optimiser it ran with
     * @param chosenStep       the step the validation rows chose (a multiple of {@link ContrastiveSettings#CHECK_EVERY}; 0
     *                         keeps the orthogonal start)
     * @param refitSteps       the steps of the refit on every shared anchor: as many epochs as {@code chosenStep} made
     * @param startLoss        the validation rows' contrastive loss at the orthogonal start
     * @param chosenLoss       their loss at {@code chosenStep}
     */
    public record ContrastiveRun(ContrastiveSettings settings, int chosenStep, int refitSteps, double startLoss, double chosenLoss) {}

    /** The translator as one matrix; for methods other than {@code orthogonal_kernel}. */
    public LinearTranslator linearTranslator() {
        if (translator instanceof LinearTranslator t) {
            return t;
        }
        throw new IllegalStateException("[" + method.apiName() + "] is not one matrix");
    }

    /** The map for documents translated at index time: the corrected one, else the translator itself. */
    public SpaceTranslator translatorForDocuments() {
        return documentTranslator == null ? translator : documentTranslator;
    }

    public HeldOutMetrics chosenMetrics() {
        return metrics.get(method);
    }
}
