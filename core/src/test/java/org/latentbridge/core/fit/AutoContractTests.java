package org.latentbridge.core.fit;

import org.latentbridge.core.translate.Method;

/** The translator contract for [auto]: whichever method it keeps, including orthogonal_kernel. */
class AutoContractTests extends FittedTranslatorContract {
    @Override
    Method method() {
        return null;
    }
}
