package org.latentbridge.core.fit;

import org.latentbridge.core.translate.Method;

/**
 * The translator contract for [contrastive]. The contract checks behaviour (shapes, round trips, determinism, degenerate
 * input), not quality, so a smaller step budget than the default keeps its dozens of fits quick; the full budget runs
 * in {@link ContrastiveFitTests} and the real-encoder tests.
 */
class ContrastiveContractTests extends FittedTranslatorContract {
    @Override
    Method method() {
        return Method.CONTRASTIVE;
    }

    @Override
    FitOptions options(long seed) {
        return super.options(seed).withContrastive(new ContrastiveSettings(400, ContrastiveSettings.DEFAULT_TEMPERATURE,
            ContrastiveSettings.DEFAULT_LEARNING_RATE, ContrastiveSettings.DEFAULT_BATCH_SIZE));
    }
}
