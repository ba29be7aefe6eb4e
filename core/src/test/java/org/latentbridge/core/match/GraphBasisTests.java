package org.latentbridge.core.match;

import org.junit.jupiter.api.Test;
import org.latentbridge.core.TestData;
import org.latentbridge.core.linalg.Vectors;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphBasisTests {

    /** Unit rows of clustered points. */
    static float[] cloud(int n, int d, long seed) {
        Random random = new Random(seed);
        float[] centres = TestData.gaussian(6, d, random);
        float[] x = new float[n * d];
        float[] row = new float[d];
        for (int i = 0; i < n; i++) {
            int c = random.nextInt(6);
            for (int j = 0; j < d; j++) {
                row[j] = (float) (2 * centres[c * d + j] + 0.3 * random.nextGaussian());
            }
            Vectors.normalizeInPlace(row);
            System.arraycopy(row, 0, x, i * d, d);
        }
        return x;
    }

    @Test
    void lanczosFindsTheSmallestLaplacianEigenvaluesOfADenseSymmetricOperator() {
        // a random symmetric operator with a known spectrum in [-1, 1], its six largest separated from the rest as a graph's
        // low frequencies are from its bulk
        int n = 120;
        Random random = new Random(5);
        double[] eigen = new double[n];
        for (int i = 0; i < n; i++) {
            eigen[i] = i < 6 ? 1 - 0.05 * i : 1.6 * random.nextDouble() - 1;
        }
        double[] q = TestData.orthogonal(n, n, random);
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += q[i * n + k] * eigen[k] * q[j * n + k];
                }
                a[i * n + j] = s;
            }
        }
        GraphBasis basis = GraphBasis.lanczos(n, 6, 1, (x, y) -> {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += a[i * n + j] * x[j];
                }
                y[i] = s;
            }
        });
        double[] sorted = eigen.clone();
        Arrays.sort(sorted);
        for (int c = 0; c < 6; c++) {
            assertEquals(1 - sorted[n - 1 - c], basis.eigenvalues()[c], 1e-8, "eigenvalue " + c);
        }
        // each basis vector is an eigenvector of the operator: A v = (1 - lambda) v
        for (int c = 0; c < 6; c++) {
            double mu = 1 - basis.eigenvalues()[c];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += a[i * n + j] * basis.vectors()[j * basis.size() + c];
                }
                assertEquals(mu * basis.vectors()[i * basis.size() + c], s, 1e-6);
            }
        }
    }

    @Test
    void theGraphBasisIsOrthonormalAscendingAndDeterministic() {
        int n = 200, d = 8;
        float[] x = cloud(n, d, 3);
        GraphBasis basis = GraphBasis.of(x, d, 10, 8, 1, 2);
        assertEquals(n, basis.n());
        assertEquals(8, basis.size());
        for (int a = 0; a < 8; a++) {
            for (int b = 0; b < 8; b++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += basis.vectors()[i * 8 + a] * basis.vectors()[i * 8 + b];
                }
                assertEquals(a == b ? 1 : 0, s, 1e-8, "columns " + a + ", " + b);
            }
        }
        double[] ev = basis.eigenvalues();
        assertEquals(0, ev[0], 1e-6, "a normalised Laplacian's smallest eigenvalue is 0");
        for (int c = 1; c < ev.length; c++) {
            assertTrue(ev[c] >= ev[c - 1] - 1e-9 && ev[c] <= 2, Arrays.toString(ev));
        }
        GraphBasis again = GraphBasis.of(x, d, 10, 8, 1, 1);
        assertTrue(Arrays.equals(basis.vectors(), again.vectors()), "the same points and seed give the same basis at any parallelism");
    }

    @Test
    void tooFewPointsForTheGraphAreRefused() {
        float[] x = cloud(8, 4, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GraphBasis.of(x, 4, 10, 4, 1, 1));
        assertTrue(e.getMessage().contains("needs at least [12] points, got [8]"), e.getMessage());
    }

    @Test
    void neighboursMatchExhaustiveSearch() {
        int d = 6;
        float[] q = cloud(300, d, 7), c = cloud(280, d, 8);
        Neighbours.Top top = Neighbours.top(q, c, d, 5, false, 2);
        int[] nearest = Neighbours.nearestEuclidean(q, c, d, 2);
        for (int i = 0; i < 300; i++) {
            double[] s = new double[280];
            Integer[] order = new Integer[280];
            for (int j = 0; j < 280; j++) {
                double dot = 0;
                for (int t = 0; t < d; t++) {
                    dot += (double) q[i * d + t] * c[j * d + t];
                }
                s[j] = dot;
                order[j] = j;
            }
            Arrays.sort(order, (a, b) -> s[a] != s[b] ? Double.compare(s[b], s[a]) : Integer.compare(a, b));
            for (int r = 0; r < 5; r++) {
                assertEquals(s[order[r]], top.score()[i * 5 + r], 1e-5, "query " + i + " rank " + r);
            }
            // unit rows: the largest inner product is the nearest in Euclidean distance
            assertEquals(s[order[0]], s[nearest[i]], 1e-5, "query " + i);
        }
        Neighbours.Top self = Neighbours.top(q, q, d, 3, true, 2);
        for (int i = 0; i < 300; i++) {
            for (int r = 0; r < 3; r++) {
                assertTrue(self.index()[i * 3 + r] != i, "a point is not its own neighbour");
            }
        }
    }
}
