package org.latentbridge.core.match;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * A functional map between two point clouds: a {@code k x k} matrix {@code C} that carries a function's coefficients in the
 * source's {@link GraphBasis} to its coefficients in the target's. Estimated from descriptor functions known on both
 * sides (one per known pair, say) with the Laplacians' commutativity as regulariser, then refined by spectral upsampling
 * (ZoomOut): alternate a point map recovered from {@code C} with a {@code C} one size larger read off that point map.
 * The point map it ends with gives each target point its corresponding source point.
 */
public final class FunctionalMap {
    private FunctionalMap() {}

    /**
     * Least squares {@code min |C A - B|^2 + mu sum_ij C_ij^2 (lt_i - ls_j)^2} over {@code C} ({@code k x k}), where
     * {@code A = Phi_s^T F_s} and {@code B = Phi_t^T F_t} are the descriptors' coefficients in the first {@code k} basis
     * functions of each side. {@code mu} is relative: it is scaled so that the regulariser weighs as much as the
     * descriptors' energy at {@code mu = 1}. Row {@code i} of {@code C} solves its own {@code k x k} system.
     *
     * @param fs row-major {@code ns x q} source descriptors, {@code ft} the same {@code q} descriptors on the target
     */
    public static double[] fromDescriptors(GraphBasis source, GraphBasis target, int k, float[] fs, float[] ft, int q, double mu) {
        double[] a = project(source, k, fs, q), b = project(target, k, ft, q);
        DMatrixRMaj aa = new DMatrixRMaj(k, k);
        CommonOps_DDRM.multTransB(DMatrixRMaj.wrap(k, q, a), DMatrixRMaj.wrap(k, q, a), aa);
        double energy = CommonOps_DDRM.trace(aa) / k, meanGap = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double gap = target.eigenvalues()[i] - source.eigenvalues()[j];
                meanGap += gap * gap;
            }
        }
        meanGap /= (double) k * k;
        double weight = mu * energy / Math.max(meanGap, 1e-12);
        double[] c = new double[k * k];
        DMatrixRMaj system = new DMatrixRMaj(k, k), rhs = new DMatrixRMaj(k, 1), row = new DMatrixRMaj(k, 1);
        for (int i = 0; i < k; i++) {
            system.setTo(aa);
            for (int j = 0; j < k; j++) {
                double gap = target.eigenvalues()[i] - source.eigenvalues()[j];
                system.add(j, j, weight * gap * gap + 1e-9 * energy);
                double s = 0;
                for (int t = 0; t < q; t++) {
                    s += a[j * q + t] * b[i * q + t];
                }
                rhs.set(j, 0, s);
            }
            if (CommonOps_DDRM.solve(system, rhs, row) == false) {
                throw new IllegalArgumentException("the functional map's system for row [" + i + "] is singular");
            }
            for (int j = 0; j < k; j++) {
                c[i * k + j] = row.get(j, 0);
            }
        }
        return c;
    }

    /** {@code Phi[:, :k]^T F}, {@code k x q}. */
    private static double[] project(GraphBasis basis, int k, float[] f, int q) {
        double[] out = new double[k * q];
        int n = basis.n(), size = basis.size();
        double[] phi = basis.vectors();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                double p = phi[i * size + c];
                for (int t = 0; t < q; t++) {
                    out[c * q + t] += p * f[i * q + t];
                }
            }
        }
        return out;
    }

    /**
     * For each target point, the source point whose spectral coordinates {@code Phi_s} are nearest to {@code Phi_t C}
     * (both in the first {@code k} functions): the point map a functional map encodes.
     */
    public static int[] pointMap(GraphBasis source, GraphBasis target, double[] c, int k, int parallelism) {
        int nt = target.n();
        float[] phiT = target.leading(k);
        float[] mapped = new float[nt * k];
        for (int t = 0; t < nt; t++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int i = 0; i < k; i++) {
                    s += phiT[t * k + i] * c[i * k + j];
                }
                mapped[t * k + j] = (float) s;
            }
        }
        return Neighbours.nearestEuclidean(mapped, source.leading(k), k, parallelism);
    }

    /**
     * ZoomOut: from a {@code from x from} map, alternately recover the point map and read {@code C = Phi_t^T Pi Phi_s} one
     * {@code step} larger, up to {@code to}. Returns the final point map (target point to source point).
     */
    public static int[] zoomOut(GraphBasis source, GraphBasis target, double[] c, int from, int to, int step, int parallelism) {
        int k = from;
        double[] current = c;
        int[] map = pointMap(source, target, current, k, parallelism);
        while (k < to) {
            int next = Math.min(to, k + step);
            current = fromPointMap(source, target, map, next);
            k = next;
            map = pointMap(source, target, current, k, parallelism);
        }
        return map;
    }

    /** {@code C = Phi_t[:, :k]^T Pi Phi_s[:, :k]} for the point map {@code map} (target point to source point). */
    static double[] fromPointMap(GraphBasis source, GraphBasis target, int[] map, int k) {
        double[] c = new double[k * k];
        double[] phiS = source.vectors(), phiT = target.vectors();
        int ss = source.size(), st = target.size();
        for (int t = 0; t < map.length; t++) {
            int s = map[t];
            for (int i = 0; i < k; i++) {
                double pt = phiT[t * st + i];
                for (int j = 0; j < k; j++) {
                    c[i * k + j] += pt * phiS[s * ss + j];
                }
            }
        }
        return c;
    }
}
