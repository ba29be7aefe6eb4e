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

    /** Largest weight a user may give ({@code preprocess.mean_weight}); checked where the request is parsed. */
    public static final double MAX_USER_MEAN_WEIGHT = 1;

    /**
     * Largest weight at all: a {@link org.latentbridge.core.fit.DocumentCorrection} may add back more than the whole mean,
     * to lift translated documents' similarities to the level of native ones.
     */
    public static final double MAX_MEAN_WEIGHT = 4;

    public Preprocessing {
        if (Double.isFinite(meanWeight) == false || meanWeight < 0 || meanWeight > MAX_MEAN_WEIGHT) {
            throw new IllegalArgumentException("[mean_weight] must be within [0, " + MAX_MEAN_WEIGHT + "], got [" + meanWeight + "]");
        }
    }

    /** Checks a user-given {@code preprocess.mean_weight}: within {@code [0, 1]}. */
    public static double checkUserMeanWeight(double meanWeight) {
        if (Double.isFinite(meanWeight) == false || meanWeight < 0 || meanWeight > MAX_USER_MEAN_WEIGHT) {
            throw new IllegalArgumentException("[preprocess.mean_weight] must be within [0, 1], got [" + meanWeight + "]");
        }
        return meanWeight;
    }

    public Preprocessing withMeanWeight(double weight) {
        return new Preprocessing(center, standardize, normalize, weight);
    }
}
