package org.latentbridge.core.anchor;

import java.util.Arrays;

/**
 * Per-dimension statistics of one anchor set, the reference frame that preprocessing removes and postprocessing
 * restores: mean, standard deviation (population), and the mean norm of the centred (and of the centred, standardised)
 * anchors.
 *
 * @param mean                  column means
 * @param std                   column standard deviations; a near-zero deviation is stored as 1 so dividing by it is safe
 * @param meanCenteredNorm      mean of {@code ||a - mean||}
 * @param meanStandardizedNorm  mean of {@code ||(a - mean) / std||}
 * @param count                 anchors the statistics were computed on
 */
public record AnchorStatistics(float[] mean, float[] std, double meanCenteredNorm, double meanStandardizedNorm, int count) {

    /**
     * Standard deviations below this fraction of the widest column's are treated as a constant column (the guard keeps
     * division finite). Relative, so that anchors scaled by any factor get the same frame, scaled.
     */
    public static final double MIN_STD = 1e-6;

    public static AnchorStatistics of(AnchorSet anchors) {
        int n = anchors.size(), d = anchors.dims();
        float[] m = anchors.matrix();
        double[] sum = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                sum[j] += m[i * d + j];
            }
        }
        double[] mean = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = sum[j] / n;
        }
        double[] var = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double c = m[i * d + j] - mean[j];
                var[j] += c * c;
            }
        }
        float[] meanF = new float[d], stdF = new float[d];
        double widest = 0;
        for (int j = 0; j < d; j++) {
            widest = Math.max(widest, Math.sqrt(var[j] / n));
        }
        for (int j = 0; j < d; j++) {
            meanF[j] = (float) mean[j];
            double s = Math.sqrt(var[j] / n);
            // a deviation in float's subnormal range keeps fewer digits but the right size; one that would round to 0
            // becomes the smallest float, so dividing by it stays finite
            stdF[j] = s <= MIN_STD * widest ? 1f : Math.max((float) s, Float.MIN_VALUE);
        }
        double centred = 0, standardised = 0;
        for (int i = 0; i < n; i++) {
            double sc = 0, ss = 0;
            for (int j = 0; j < d; j++) {
                double c = m[i * d + j] - mean[j];
                sc += c * c;
                double z = c / stdF[j];
                ss += z * z;
            }
            centred += Math.sqrt(sc);
            standardised += Math.sqrt(ss);
        }
        return new AnchorStatistics(meanF, stdF, checkFinite("mean centred norm", centred / n),
            checkFinite("mean standardised norm", standardised / n), n);
    }

    /** Every statistic is computed in double from finite floats and cannot overflow; this keeps it that way. */
    private static double checkFinite(String what, double value) {
        if (Double.isFinite(value) == false) {
            throw new IllegalArgumentException("[anchors] the " + what + " of the anchors is not finite: " + value);
        }
        return value;
    }

    public int dims() {
        return mean.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AnchorStatistics s && count == s.count && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std)
            && Double.compare(meanCenteredNorm, s.meanCenteredNorm) == 0
            && Double.compare(meanStandardizedNorm, s.meanStandardizedNorm) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std) + count;
    }

    @Override
    public String toString() {
        return "AnchorStatistics[dims=" + mean.length + ", count=" + count + ", meanCenteredNorm=" + meanCenteredNorm + "]";
    }
}
