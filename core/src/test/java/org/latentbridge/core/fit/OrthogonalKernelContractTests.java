package org.latentbridge.core.fit;

import org.latentbridge.core.translate.Method;

/** The translator contract for [orthogonal_kernel]. */
class OrthogonalKernelContractTests extends FittedTranslatorContract {
    @Override
    Method method() {
        return Method.ORTHOGONAL_KERNEL;
    }
}
