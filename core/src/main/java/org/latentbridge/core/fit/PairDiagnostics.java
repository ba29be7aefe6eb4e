package org.latentbridge.core.fit;

import java.util.List;

/**
 * What the shared anchors of a source and target predict about a translation between them, before trusting a fit.
 *
 * @param conditionNumber        of the source's centred, normalised shared anchors, over the directions they span
 * @param effectiveRank          of the same
 * @param numericalRank          directions they span, at most {@code min(n - 1, d_s)}
 * @param similarityCompression  mean pairwise cosine of the source's raw shared anchors
 * @param targetSimilarityCompression the same for the target
 * @param cka                    linear CKA of the two normalised spaces on the shared anchors
 */
public record PairDiagnostics(int sharedAnchors, int sourceDims, int targetDims, double conditionNumber, double effectiveRank,
                              int numericalRank, double similarityCompression, double targetSimilarityCompression, double cka,
                              List<String> warnings) {

    public PairDiagnostics withWarnings(List<String> newWarnings) {
        return new PairDiagnostics(sharedAnchors, sourceDims, targetDims, conditionNumber, effectiveRank, numericalRank,
            similarityCompression, targetSimilarityCompression, cka, List.copyOf(newWarnings));
    }
}
