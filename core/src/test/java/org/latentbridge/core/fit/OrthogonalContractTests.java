package org.latentbridge.core.fit;

import org.latentbridge.core.translate.Method;

/** The translator contract for [orthogonal]. */
class OrthogonalContractTests extends FittedTranslatorContract {
    @Override
    Method method() {
        return Method.ORTHOGONAL;
    }
}
