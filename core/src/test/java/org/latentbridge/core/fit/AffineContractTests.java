package org.latentbridge.core.fit;

import org.latentbridge.core.translate.Method;

/** The translator contract for [affine]. */
class AffineContractTests extends FittedTranslatorContract {
    @Override
    Method method() {
        return Method.AFFINE;
    }
}
