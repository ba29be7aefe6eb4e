package org.latentbridge.core.translate;

import java.util.Arrays;
import java.util.Locale;

/** The translation methods, by their API names. */
public enum Method {
    /** Orthogonal Procrustes on the normalised anchors. */
    ORTHOGONAL,
    /** Ridge least squares, lambda chosen on a validation split. */
    LINEAR,
    /** Ridge least squares with an unregularised bias. */
    AFFINE,
    /** Relative projection with the source's anchors, then a ridge pseudo-inverse of the target's anchors. */
    INVERSE_RELATIVE,
    /**
     * Orthogonal Procrustes plus a kernel ridge regression on its residual, over a subset of the anchors as centres
     * (Nystrom): a non-linear correction whose query cost grows with the centre count.
     */
    ORTHOGONAL_KERNEL,
    /** Cosines to an ordered list of anchors: the relative space itself. */
    RELATIVE,
    /**
     * One matrix, like {@link #ORTHOGONAL}, started at the orthogonal solution and fine-tuned with a symmetric contrastive
     * (InfoNCE) loss over in-batch negatives: it learns to rank each anchor's own target above the others rather than to
     * land on it. Declared last so that the wire and stored orders of the other methods do not move.
     */
    CONTRASTIVE,
    /**
     * One matrix fitted from a handful of paired anchors plus pools of unpaired vectors on each side: Laplacian eigenbases
     * of each pool's k-NN graph, a functional map between them estimated from the pairs, then Procrustes refits on soft
     * correspondences between the pools. Declared after {@link #CONTRASTIVE} for the same reason.
     */
    FUNCTIONAL_MAP,
    /**
     * One matrix fitted from a handful of paired anchors plus pools of the same items on each side whose pairing is
     * unknown: a Gromov-Wasserstein matching of the pools, solved as a sequence of linear assignment problems seeded with
     * the known pairs, then Procrustes on every recovered pair.
     */
    GROMOV_WASSERSTEIN;

    /** Whether the method fits from unpaired pools as well as paired anchors. */
    public boolean usesPools() {
        return this == FUNCTIONAL_MAP || this == GROMOV_WASSERSTEIN;
    }

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses an API name; the message lists the accepted names. */
    public static Method fromApiName(String name) {
        for (Method m : values()) {
            if (m.apiName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown method [" + name + "], expected one of "
            + Arrays.stream(values()).map(Method::apiName).toList());
    }
}
