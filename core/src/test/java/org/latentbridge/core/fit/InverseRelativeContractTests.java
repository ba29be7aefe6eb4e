package org.latentbridge.core.fit;

import org.latentbridge.core.translate.Method;

/** The translator contract for [inverse_relative]. */
class InverseRelativeContractTests extends FittedTranslatorContract {
    @Override
    Method method() {
        return Method.INVERSE_RELATIVE;
    }
}
