package org.latentbridge.core.fit;

import org.latentbridge.core.metrics.HeldOutMetrics;
import org.latentbridge.core.translate.LinearTranslator;
import org.latentbridge.core.translate.Method;

import java.util.Map;

/**
 * A fitted translator and the evidence for it.
 *
 * @param translator   refitted on all shared anchors after the method was chosen
 * @param metrics      held-out metrics of every candidate method, in the order they were tried
 * @param lambdas      the relative ridge lambda each ridge method chose on the validation split
 * @param fitAnchors   anchors the held-out evaluation was trained on (fit and validation rows)
 * @param heldOut      anchors held out for the metrics
 */
public record FitResult(LinearTranslator translator, Method method, Map<Method, HeldOutMetrics> metrics, Map<Method, Double> lambdas,
                        PairDiagnostics diagnostics, int sharedAnchors, int fitAnchors, int heldOut, long tookMillis) {

    public HeldOutMetrics chosenMetrics() {
        return metrics.get(method);
    }
}
