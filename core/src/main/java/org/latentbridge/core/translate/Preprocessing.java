package org.latentbridge.core.translate;

/**
 * How vectors enter and leave the normalised space a translator is fitted in (docs/architecture.md §3.1): centre on the model's anchor
 * mean, optionally standardise per dimension, L2-normalise; on the way out, the inverse on the target's side, adding
 * back {@code meanWeight} times the target mean.
 *
 * @param meanWeight weight of the target mean added back after translation (gamma). 1 is the textbook inverse; 0.5
 *                   served cross-model retrieval best on the project's corpus (BENCHMARKS.md, "mean_weight").
 */
public record Preprocessing(boolean center, boolean standardize, boolean normalize, double meanWeight) {

    /** The default mean weight, chosen by measurement on the project's corpus (BENCHMARKS.md, "mean_weight"). */
    public static final double DEFAULT_MEAN_WEIGHT = 0.5;

    public static final Preprocessing DEFAULT = new Preprocessing(true, false, true, DEFAULT_MEAN_WEIGHT);

    public Preprocessing {
        if (Double.isFinite(meanWeight) == false || meanWeight < 0 || meanWeight > 1) {
            throw new IllegalArgumentException("[preprocess.mean_weight] must be within [0, 1], got [" + meanWeight + "]");
        }
    }

    public Preprocessing withMeanWeight(double weight) {
        return new Preprocessing(center, standardize, normalize, weight);
    }
}
