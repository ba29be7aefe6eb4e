package org.latentbridge.core.fit;

import org.latentbridge.core.translate.Method;

/**
 * The translator contract for [auto]: whichever method it keeps, including orthogonal_kernel and contrastive. The contract
 * checks behaviour, not quality, so contrastive candidates get the smaller step budget of {@link ContrastiveContractTests};
 * {@link MethodChoiceTests} covers auto's choice and its budget.
 */
class AutoContractTests extends FittedTranslatorContract {
    @Override
    Method method() {
        return null;
    }

    @Override
    FitOptions options(long seed) {
        return super.options(seed).withContrastive(new ContrastiveSettings(400, ContrastiveSettings.DEFAULT_TEMPERATURE,
            ContrastiveSettings.DEFAULT_LEARNING_RATE, ContrastiveSettings.DEFAULT_BATCH_SIZE));
    }
}
