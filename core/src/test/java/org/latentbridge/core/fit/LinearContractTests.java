package org.latentbridge.core.fit;

import org.latentbridge.core.translate.Method;

/** The translator contract for [linear]. */
class LinearContractTests extends FittedTranslatorContract {
    @Override
    Method method() {
        return Method.LINEAR;
    }
}
