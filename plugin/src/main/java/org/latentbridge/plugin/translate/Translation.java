package org.latentbridge.plugin.translate;

import org.latentbridge.core.fit.ScoreCalibration;
import org.latentbridge.core.translate.Method;

import java.util.List;
import java.util.Map;

/**
 * The result of a translation, one output per input vector, in input order.
 *
 * @param vectors           dense outputs; null when {@code weights} holds sparse ones
 * @param weights           sparse relative outputs (anchor id to weight, zeros left out) when {@code top_k} was asked; else null
 * @param method            what served it: a fitted method's API name ({@code orthogonal}, ...), {@code inverse_relative},
 *                          {@code relative}, or {@link #IDENTITY} for a model into its own space
 * @param translatorVersion the stored translator's version when one served it; else null
 * @param stale             whether that translator was fitted on anchors older than the models' current ones
 * @param relative          for a relative target: the role, anchor count and anchor generation of the space; else null
 * @param calibration       how the outputs' similarities map onto the source model's native scale: the stored translator's
 *                          calibration, {@link ScoreCalibration#IDENTITY} for a model into its own space, else null (a
 *                          translator fitted before calibrations existed, or a translation no fit served). Not on the wire.
 */
public record Translation(float[][] vectors, List<Map<String, Float>> weights, String method, Long translatorVersion, boolean stale,
                          RelativeSpace relative, ScoreCalibration calibration) {
    /** The {@code method} of a model translated into its own space. */
    public static final String IDENTITY = "identity";

    public Translation(float[][] vectors, List<Map<String, Float>> weights, String method, Long translatorVersion, boolean stale,
                       RelativeSpace relative) {
        this(vectors, weights, method, translatorVersion, stale, relative, null);
    }

    /** The relative space a vector was projected into: {@code dims} is its anchor count. */
    public record RelativeSpace(String role, int dims, long anchorGeneration) {}

    static Translation stored(float[][] vectors, Method method, long translatorVersion, boolean stale, ScoreCalibration calibration) {
        return new Translation(vectors, null, method.apiName(), translatorVersion, stale, null, calibration);
    }

    static Translation unstored(float[][] vectors, String method) {
        return new Translation(vectors, null, method, null, false, null, IDENTITY.equals(method) ? ScoreCalibration.IDENTITY : null);
    }

    static Translation relative(float[][] vectors, List<Map<String, Float>> weights, RelativeSpace space) {
        return new Translation(vectors, weights, Method.RELATIVE.apiName(), null, false, space);
    }

    /** Whether the outputs are sparse weights rather than dense vectors. */
    public boolean sparse() {
        return weights != null;
    }
}
