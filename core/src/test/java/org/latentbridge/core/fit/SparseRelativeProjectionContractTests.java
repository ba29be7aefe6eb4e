package org.latentbridge.core.fit;

import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.translate.Preprocessing;
import org.latentbridge.core.translate.RelativeProjection;
import org.latentbridge.core.translate.SpaceFrame;
import org.latentbridge.core.translate.Translator;

/** The translator contract for a sparsified relative projection (top 10 cosines, squared), as sparse_vector fields use. */
class SparseRelativeProjectionContractTests extends TranslatorContract {
    static final int TOP_K = 10;

    @Override
    Translator build(AnchorSet source, AnchorSet target, long seed) {
        return RelativeProjection.of(source, SpaceFrame.of(source, Preprocessing.DEFAULT), source.ids().stream().sorted().toList(),
            TOP_K, 2.0);
    }

    @Override
    int targetDims(Shape shape) {
        return shape.n();
    }

    @Override
    boolean alwaysUnitLength() {
        return true;
    }
}
