package org.latentbridge.core.fit;

import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.translate.Preprocessing;
import org.latentbridge.core.translate.RelativeProjection;
import org.latentbridge.core.translate.Translator;

/** The translator contract for a dense relative projection: cosines to every source anchor, in id order. */
class RelativeProjectionContractTests extends TranslatorContract {
    @Override
    Translator build(AnchorSet source, AnchorSet target, long seed) {
        return RelativeProjection.of(source, Preprocessing.DEFAULT);
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
