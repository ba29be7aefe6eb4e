package org.latentbridge.core.fit;

import org.latentbridge.core.anchor.AnchorSet;

import java.util.Objects;

/**
 * Vectors of each model that pair with nothing: the documents already indexed in the source model's space, vectors of
 * other documents or logged queries in the target model's. A fit from a handful of paired anchors learns the rest of the
 * map from the shape of these pools ({@link PoolFit}). Ids only name the vectors; they are never matched across models.
 */
public record UnpairedPools(AnchorSet source, AnchorSet target) {
    public UnpairedPools {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
    }
}
