package org.latentbridge.core.linalg;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.Arrays;

/**
 * Singular values of a centred data matrix, read off the eigenvalues of its scatter matrix, and the conditioning
 * figures built on them.
 */
public final class Spectrum {
    /**
     * Singular values below this fraction of the largest count as zero. They are read off a scatter matrix summed from
     * float data, whose relative error (~1e-6) becomes its square root (~1e-3) in the singular values; a direction
     * holding less than a millionth of the variance is useless to a translator anyway.
     */
    public static final double RELATIVE_TOLERANCE = 1e-3;

    private Spectrum() {}

    /** Singular values, descending, of any {@code A} with {@code A^T A = scatter} ({@code d x d}, symmetric). */
    public static double[] singularValues(double[] scatter, int d) {
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, false, true);
        if (eig.decompose(DMatrixRMaj.wrap(d, d, scatter.clone())) == false) {
            throw new IllegalArgumentException("the anchors' scatter matrix could not be decomposed (non-finite values?)");
        }
        double[] sv = new double[d];
        for (int i = 0; i < d; i++) {
            sv[i] = Math.sqrt(Math.max(0, eig.getEigenvalue(i).real));
        }
        Arrays.sort(sv);
        for (int i = 0, j = d - 1; i < j; i++, j--) {
            double t = sv[i];
            sv[i] = sv[j];
            sv[j] = t;
        }
        return sv;
    }

    /** Singular values above {@link #RELATIVE_TOLERANCE} times the largest. */
    public static int numericalRank(double[] descending) {
        if (descending.length == 0 || descending[0] == 0) {
            return 0;
        }
        double cutoff = descending[0] * RELATIVE_TOLERANCE;
        int r = 0;
        while (r < descending.length && descending[r] > cutoff) {
            r++;
        }
        return r;
    }

    /**
     * Largest over smallest numerically non-zero singular value: the conditioning of the directions the data does span.
     * Directions it does not span are reported by {@link #numericalRank}, not folded into an infinite number (some
     * encoders' outputs live in a subspace: all-MiniLM-L6-v2's span 381 of 384 dimensions). 0 for all-zero data.
     */
    public static double conditionNumber(double[] descending) {
        int r = numericalRank(descending);
        return r == 0 ? 0 : descending[0] / descending[r - 1];
    }

    /** Effective rank (Roy and Vetterli, 2007): {@code exp} of the entropy of the normalised singular values. */
    public static double effectiveRank(double[] singularValues) {
        double total = 0;
        for (double s : singularValues) {
            total += s;
        }
        if (total == 0) {
            return 0;
        }
        double entropy = 0;
        for (double s : singularValues) {
            if (s > 0) {
                double p = s / total;
                entropy -= p * Math.log(p);
            }
        }
        return Math.exp(entropy);
    }
}
