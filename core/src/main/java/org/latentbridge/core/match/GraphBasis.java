package org.latentbridge.core.match;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.Arrays;
import java.util.Random;

/**
 * The low-frequency eigenbasis of a point cloud's k-nearest-neighbour graph: the eigenvectors of the symmetric normalised
 * Laplacian {@code L = I - D^-1/2 W D^-1/2} with the smallest eigenvalues, the smoothest functions on the cloud. Two clouds
 * of the same kind of data have bases that correspond up to a small linear map (a functional map), which is what lets a
 * handful of known pairs align two whole clouds.
 *
 * <p>The graph joins each row to its {@code k} nearest rows by cosine, weighted by a self-tuning Gaussian
 * {@code exp(-|a - b|^2 / (s_a s_b))} with {@code s} a row's distance to its k-th neighbour, and symmetrised by the larger
 * weight. The eigenvectors come from a Lanczos iteration with full reorthogonalisation on {@code D^-1/2 W D^-1/2} (its
 * largest eigenvalues are the Laplacian's smallest); the small tridiagonal eigenproblem is EJML's.
 *
 * @param vectors     row-major {@code n x size}: row {@code i} is point {@code i}'s coordinates in the basis; orthonormal
 *                    columns
 * @param eigenvalues the Laplacian's eigenvalues, ascending, one per column
 */
public record GraphBasis(double[] vectors, double[] eigenvalues, int n, int size) {

    /**
     * @param rows      row-major {@code n x d} unit rows
     * @param neighbours graph degree before symmetrisation
     * @param size      basis functions wanted; fewer come back when the Krylov space is exhausted first
     */
    public static GraphBasis of(float[] rows, int d, int neighbours, int size, long seed, int parallelism) {
        int n = rows.length / d;
        if (n < neighbours + 2) {
            throw new IllegalArgumentException("a neighbour graph of [" + neighbours + "] neighbours needs at least [" + (neighbours + 2)
                + "] points, got [" + n + "]");
        }
        Neighbours.Top top = Neighbours.top(rows, rows, d, neighbours, true, parallelism);
        int[] cols = top.index();
        double[] sims = top.score();
        double[] scale = new double[n];
        for (int i = 0; i < n; i++) {
            scale[i] = Math.sqrt(Math.max(2 * (1 - sims[i * neighbours + neighbours - 1]), 1e-12));
        }
        // symmetric sparse adjacency: every kNN edge in both directions, the larger weight where both exist
        int[] degree = new int[n];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < neighbours; r++) {
                degree[i]++;
                degree[cols[i * neighbours + r]]++;
            }
        }
        int[] offsets = new int[n + 1];
        for (int i = 0; i < n; i++) {
            offsets[i + 1] = offsets[i] + degree[i];
        }
        int[] adj = new int[offsets[n]];
        double[] w = new double[offsets[n]];
        int[] fill = Arrays.copyOf(offsets, n);
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < neighbours; r++) {
                int j = cols[i * neighbours + r];
                double dist2 = Math.max(2 * (1 - sims[i * neighbours + r]), 0);
                double weight = Math.exp(-dist2 / (scale[i] * scale[j]));
                adj[fill[i]] = j;
                w[fill[i]++] = weight;
                adj[fill[j]] = i;
                w[fill[j]++] = weight;
            }
        }
        // duplicates of an edge (i in j's list and j in i's) sum to twice the weight; harmless for the spectrum's shape, but
        // keep the larger weight once so that mutual neighbours are not doubled
        double[] rowSum = new double[n];
        for (int i = 0; i < n; i++) {
            dedupe(adj, w, offsets[i], offsets[i + 1]);
            for (int e = offsets[i]; e < offsets[i + 1]; e++) {
                rowSum[i] += w[e];
            }
        }
        double[] invSqrtDegree = new double[n];
        for (int i = 0; i < n; i++) {
            invSqrtDegree[i] = rowSum[i] > 0 ? 1 / Math.sqrt(rowSum[i]) : 0;
        }
        return lanczos(n, size, seed, (x, y) -> {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int e = offsets[i]; e < offsets[i + 1]; e++) {
                    s += w[e] * invSqrtDegree[adj[e]] * x[adj[e]];
                }
                y[i] = invSqrtDegree[i] * s;
            }
        });
    }

    /** Keeps one copy of each neighbour in {@code adj[from..to)}, with its largest weight; removed slots get weight 0. */
    private static void dedupe(int[] adj, double[] w, int from, int to) {
        for (int a = from; a < to; a++) {
            if (w[a] == 0) {
                continue;
            }
            for (int b = a + 1; b < to; b++) {
                if (adj[b] == adj[a] && w[b] != 0) {
                    w[a] = Math.max(w[a], w[b]);
                    w[b] = 0;
                }
            }
        }
    }

    @FunctionalInterface
    interface Operator {
        void apply(double[] x, double[] y);
    }

    /** The {@code size} largest eigenpairs of a symmetric operator with spectrum in [-1, 1], as Laplacian pairs {@code 1 - mu}. */
    static GraphBasis lanczos(int n, int size, long seed, Operator op) {
        int steps = Math.min(n, Math.max(3 * size, size + 40));
        double[][] q = new double[steps + 1][];
        double[] alpha = new double[steps], beta = new double[steps];
        Random random = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextGaussian();
        }
        scale(v, 1 / norm(v));
        q[0] = v;
        int m = 0;
        double[] y = new double[n];
        for (int j = 0; j < steps; j++) {
            op.apply(q[j], y);
            alpha[j] = dot(y, q[j]);
            double[] r = y.clone();
            // full reorthogonalisation, twice: the basis stays orthogonal to rounding, so no spurious copies of converged pairs
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i <= j; i++) {
                    axpy(-dot(r, q[i]), q[i], r);
                }
            }
            m = j + 1;
            double b = norm(r);
            if (b < 1e-10 || j == steps - 1) {
                break;
            }
            beta[j] = b;
            scale(r, 1 / b);
            q[j + 1] = r;
        }
        DMatrixRMaj t = new DMatrixRMaj(m, m);
        for (int j = 0; j < m; j++) {
            t.set(j, j, alpha[j]);
            if (j + 1 < m) {
                t.set(j, j + 1, beta[j]);
                t.set(j + 1, j, beta[j]);
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m, true, true);
        if (eig.decompose(t) == false) {
            throw new IllegalArgumentException("the neighbour graph's Lanczos matrix could not be decomposed");
        }
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(eig.getEigenvalue(b).real, eig.getEigenvalue(a).real));
        int k = Math.min(size, m);
        double[] vectors = new double[n * k];
        double[] eigenvalues = new double[k];
        for (int c = 0; c < k; c++) {
            DMatrixRMaj s = eig.getEigenVector(order[c]);
            eigenvalues[c] = 1 - eig.getEigenvalue(order[c]).real;
            for (int j = 0; j < m; j++) {
                double coef = s.get(j, 0);
                double[] qj = q[j];
                for (int i = 0; i < n; i++) {
                    vectors[i * k + c] += coef * qj[i];
                }
            }
        }
        return new GraphBasis(vectors, eigenvalues, n, k);
    }

    /** The first {@code k} columns of every row, as float rows. */
    public float[] leading(int k) {
        float[] out = new float[n * k];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                out[i * k + c] = (float) vectors[i * size + c];
            }
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static void scale(double[] a, double s) {
        for (int i = 0; i < a.length; i++) {
            a[i] *= s;
        }
    }

    private static void axpy(double s, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] += s * x[i];
        }
    }
}
