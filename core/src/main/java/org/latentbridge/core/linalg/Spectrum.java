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
    /** Singular values below this fraction of the largest count as zero (float data carries ~1e-7 relative noise). */
    public static final double RELATIVE_TOLERANCE = 1e-6;

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
     * Largest over smallest of the first {@code expectedRank} singular values; infinite when one of them is zero
     * (the anchors span fewer directions than they could).
     */
    public static double conditionNumber(double[] descending, int expectedRank) {
        int k = Math.min(expectedRank, descending.length);
        if (k < 1 || descending[0] == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double smallest = descending[k - 1];
        return smallest <= descending[0] * RELATIVE_TOLERANCE ? Double.POSITIVE_INFINITY : descending[0] / smallest;
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
