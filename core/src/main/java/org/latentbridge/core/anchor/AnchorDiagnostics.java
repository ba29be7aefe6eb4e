package org.latentbridge.core.anchor;

import org.latentbridge.core.linalg.MatrixKernels;
import org.latentbridge.core.linalg.Spectrum;
import org.latentbridge.core.linalg.Vectors;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;

/**
 * What the anchors of one model and role predict about translation before any fit: conditioning and effective rank
 * of the centred anchors, similarity compression (mean pairwise cosine of the raw anchors: high for anisotropic
 * encoders), and plain-language warnings.
 *
 * @param conditionNumber largest over smallest singular value of the centred anchors, over the directions they span
 *
 * @param numericalRank rank of the centred anchors at {@link Spectrum#RELATIVE_TOLERANCE}; at most {@code min(n - 1, d)}
 */
public record AnchorDiagnostics(int anchors, int dims, double conditionNumber, double effectiveRank, int numericalRank,
                                double similarityCompression, List<String> warnings) {

    /** Mean pairwise cosine above which an encoder is strongly anisotropic (its vectors crowd one direction). */
    public static final double HIGH_COMPRESSION = 0.65;

    /** The diagnostics of {@code anchors}, their products run in {@code pool} with as many tasks as it has workers. */
    public static AnchorDiagnostics of(AnchorSet anchors, ForkJoinPool pool) {
        return MatrixKernels.inPool(pool, () -> of(anchors, pool.getParallelism()));
    }

    /** The diagnostics of {@code anchors}, their products split over up to {@code parallelism} tasks of the caller's pool. */
    public static AnchorDiagnostics of(AnchorSet anchors, int parallelism) {
        int n = anchors.size(), d = anchors.dims();
        float[] centred = centred(anchors);
        double[] sv;
        if (n >= d) {
            double[] scatter = new double[d * d];
            MatrixKernels.transposeProduct(centred, d, centred, d, 0, n, scatter, parallelism);
            sv = Spectrum.singularValues(scatter, d);
        } else {
            // fewer anchors than dimensions: the n x n Gram has the same non-zero spectrum and is cheaper
            float[] t = new float[centred.length];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    t[j * n + i] = centred[i * d + j];
                }
            }
            double[] gram = new double[n * n];
            MatrixKernels.transposeProduct(t, n, t, n, 0, d, gram, parallelism);
            sv = Spectrum.singularValues(gram, n);
        }
        int possibleRank = Math.min(n - 1, d);
        int rank = Math.min(Spectrum.numericalRank(sv), possibleRank);
        double compression = similarityCompression(anchors);
        List<String> warnings = new ArrayList<>();
        if (n < d) {
            warnings.add("n < d: " + n + " anchors for " + d + " dimensions; expect poor orthogonal and inverse_relative fits"
                + " (use at least " + d + " anchors, better " + (3 * d / 2) + " or more)");
        }
        if (possibleRank > 0 && rank < possibleRank) {
            warnings.add("rank-deficient: the centred anchors span " + rank + " of " + possibleRank
                + " possible directions (duplicate or linearly dependent anchors, or an encoder whose outputs span a subspace)");
        }
        if (compression > HIGH_COMPRESSION) {
            warnings.add(String.format(Locale.ROOT,
                "similarity compression %.2f: the encoder is strongly anisotropic; keep centring on", compression));
        }
        return new AnchorDiagnostics(n, d, checkFinite("condition_number", Spectrum.conditionNumber(sv)),
            checkFinite("effective_rank", Spectrum.effectiveRank(sv)), rank, checkFinite("similarity_compression", compression),
            List.copyOf(warnings));
    }

    /** Mean cosine over all pairs of distinct anchors: {@code (||sum u_i||^2 - n) / (n (n - 1))} for unit rows. */
    public static double similarityCompression(AnchorSet anchors) {
        int n = anchors.size(), d = anchors.dims();
        if (n < 2) {
            return 0;
        }
        double[] sum = new double[d];
        for (int i = 0; i < n; i++) {
            float[] u = anchors.vector(i);
            Vectors.normalizeInPlace(u);
            for (int j = 0; j < d; j++) {
                sum[j] += u[j];
            }
        }
        double sq = 0, selfSq = 0;
        for (double s : sum) {
            sq += s * s;
        }
        for (int i = 0; i < n; i++) {
            float[] u = anchors.vector(i);
            Vectors.normalizeInPlace(u);
            selfSq += Vectors.dot(u, u); // 1 up to rounding; exact bookkeeping keeps n = 2 cases tight
        }
        return (sq - selfSq) / ((double) n * (n - 1));
    }

    /**
     * The centred anchors, scaled by a power of two so that the largest magnitude is near 1: the float products of the
     * scatter matrix then neither overflow (anchors near the float limit) nor lose digits in the subnormal range (tiny
     * anchors). Every figure built on them is a ratio of singular values, which the scale leaves unchanged.
     */
    private static float[] centred(AnchorSet anchors) {
        AnchorStatistics stats = AnchorStatistics.of(anchors);
        int d = anchors.dims();
        float[] m = anchors.matrix();
        double[] c = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            c[i] = (double) m[i] - stats.mean()[i % d];
        }
        double largest = Vectors.maxAbs(c);
        int exponent = largest == 0 ? 0 : Math.getExponent(largest);
        float[] out = new float[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = (float) Math.scalb(c[i], -exponent);
        }
        return out;
    }

    private static double checkFinite(String what, double value) {
        if (Double.isFinite(value) == false) {
            throw new IllegalArgumentException("[anchors] the " + what + " of the anchors is not finite: " + value);
        }
        return value;
    }
}
