package org.latentbridge.core.translate;

/**
 * A translator between two models' absolute spaces: it enters the source's {@link SpaceFrame}, maps, and leaves
 * through the target's. Every fitted method is one ({@link LinearTranslator}, {@link KernelTranslator}); the relative
 * projection is not.
 */
public interface SpaceTranslator extends Translator {

    SpaceFrame source();

    SpaceFrame target();

    /**
     * The same map with another weight of the target mean added back (docs/architecture.md §3.1, {@code mean_weight}): a
     * postprocessing choice, so no refit. Calibration on labelled pairs chooses it.
     */
    SpaceTranslator withMeanWeight(double meanWeight);
}
