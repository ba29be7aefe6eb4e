package org.latentbridge.core.metrics;

import org.junit.jupiter.api.Test;
import org.latentbridge.core.TestData;
import org.latentbridge.core.linalg.Vectors;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metric definitions on cases small enough to compute by hand. */
class RetrievalMetricsTests {

    @Test
    void cosineOfPerpendicularVectorsIsZeroAndOfParallelOnesIsOne() {
        assertEquals(0, Vectors.cosine(new float[] {1, 0}, new float[] {0, 3}), 1e-12);
        assertEquals(1, Vectors.cosine(new float[] {1, 2}, new float[] {2, 4}), 1e-7);
        assertEquals(-1, Vectors.cosine(new float[] {1, 2}, new float[] {-1, -2}), 1e-7);
        assertEquals(0, Vectors.cosine(new float[] {0, 0}, new float[] {1, 1}), 0, "a zero vector is similar to nothing");
    }

    @Test
    void ranksTopKAndMrrByHand() {
        // queries: q0 = t0 exactly (rank 1); q1 is closer to t0 than to t1 (rank 2); q2 = t2 (rank 1)
        float[] queries = {1, 0, 0, /**/ 1, 0.2f, 0, /**/ 0, 0, 1};
        float[] targets = {1, 0, 0, /**/ 0, 1, 0, /**/ 0, 0, 1};
        int[] ranks = RetrievalMetrics.sameItemRanks(queries, targets, 3, 1);
        assertArrayEquals(new int[] {1, 2, 1}, ranks);
        assertEquals(2.0 / 3, RetrievalMetrics.topK(ranks, 1), 1e-12);
        assertEquals(1.0, RetrievalMetrics.topK(ranks, 2), 1e-12);
        assertEquals((1 + 0.5 + 1) / 3, RetrievalMetrics.mrr(ranks), 1e-12);
    }

    @Test
    void tiesNeverFlatterTheTrueItem() {
        float[] queries = {1, 0, /**/ 0, 1};
        float[] targets = {1, 0, /**/ 1, 0}; // both targets identical: each query's true item ties with the other
        int[] ranks = RetrievalMetrics.sameItemRanks(queries, targets, 2, 1);
        assertEquals(2, ranks[0]);
    }

    @Test
    void recallAtKComparesTwoRankings() {
        assertEquals(1.0, RetrievalMetrics.recallAtK(new int[] {3, 1, 2}, new int[] {1, 2, 3}, 3), 1e-12);
        assertEquals(0.5, RetrievalMetrics.recallAtK(new int[] {1, 9, 2}, new int[] {1, 2, 3}, 2), 1e-12);
        assertEquals(0.0, RetrievalMetrics.recallAtK(new int[] {7, 8}, new int[] {1, 2}, 2), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> RetrievalMetrics.recallAtK(new int[] {1}, new int[] {1}, 0));
    }

    @Test
    void topIndicesAreBestFirstWithLowerIndexOnTies() {
        assertArrayEquals(new int[] {2, 0, 3}, RetrievalMetrics.topIndices(new double[] {0.5, 0.1, 0.9, 0.5}, 3));
    }

    @Test
    void heldOutMetricsOfAPerfectTranslationAreOne() {
        Random random = new Random(1);
        float[] t = TestData.gaussian(30, 5, random);
        HeldOutMetrics m = RetrievalMetrics.heldOut(t, t, 5, 1);
        assertEquals(1.0, m.top1(), 0);
        assertEquals(1.0, m.mrr(), 0);
        assertEquals(1.0, m.meanCosine(), 1e-6);
        assertEquals(1.0, m.neighbourAgreement(), 0);
        assertEquals(30, m.count());
        assertEquals(m.neighbourAgreement(), m.get("neighbour_agreement"), 0);
        assertTrue(HeldOutMetrics.NAMES.contains("neighbour_agreement"));
    }

    @Test
    void neighbourAgreementSeesScrambledNeighbourhoodsWhereTheSameItemRanksSaturate() {
        Random random = new Random(3);
        int n = 300, d = 256;
        float[] targets = standardGaussian(n, d, random);
        // each translation is its target plus noise twice its length: still nearest its own target (cosine about 0.45
        // against at most about 0.2 for the others), but its similarities to the other targets are mostly the noise's
        float[] scrambled = plusNoise(targets, d, 2.0, random);
        float[] slightlyOff = plusNoise(targets, d, 0.3, random);
        HeldOutMetrics s = RetrievalMetrics.heldOut(scrambled, targets, d, 2);
        HeldOutMetrics o = RetrievalMetrics.heldOut(slightlyOff, targets, d, 2);
        assertEquals(1.0, s.top1(), 0, s.toString());
        assertEquals(1.0, s.mrr(), 0, s.toString());
        assertEquals(1.0, o.mrr(), 0, o.toString());
        assertTrue(s.neighbourAgreement() < 0.35, s.toString());
        assertTrue(o.neighbourAgreement() > 0.6, o.toString());
        // chance is k / (n - 1), about 0.03
        assertTrue(s.neighbourAgreement() > 10.0 / (n - 1), s.toString());
        // an independent translation agrees about by chance
        double independent = RetrievalMetrics.neighbourAgreement(standardGaussian(n, d, random), targets, d, 10, 1);
        assertTrue(independent < 0.1, "independent " + independent);
    }

    @Test
    void neighbourAgreementMatchesSortingEveryRowOverSeveralBlocks() {
        Random random = new Random(4);
        int n = 600, d = 12, k = 10; // 600 rows: the target-target cosines come in blocks of 256, 256 and 88 rows
        float[] targets = TestData.gaussian(n, d, random);
        float[] translated = plusNoise(targets, d, 0.5, random);
        double[] translatedSim = RetrievalMetrics.cosineMatrix(translated, targets, d, 1);
        double[] nativeSim = RetrievalMetrics.cosineMatrix(targets, targets, d, 1);
        double shared = 0;
        for (int i = 0; i < n; i++) {
            shared += RetrievalMetrics.recallAtK(topOfOthers(translatedSim, n, i, k), topOfOthers(nativeSim, n, i, k), k);
        }
        double agreement = RetrievalMetrics.neighbourAgreement(translated, targets, d, k, 2);
        assertEquals(shared / n, agreement, 1e-12);
        assertTrue(agreement > 0.1 && agreement < 0.9, "a case with something to get wrong " + agreement);
        assertEquals(agreement, RetrievalMetrics.neighbourAgreement(translated, targets, d, k, 1), 0, "parallelism changes nothing");
        assertEquals(agreement, RetrievalMetrics.heldOut(translated, targets, d, 2).neighbourAgreement(), 0);
    }

    @Test
    void boundedSelectionEqualsSortingWithTiesToTheLowerIndex() {
        Random random = new Random(5);
        int n = 200;
        for (int trial = 0; trial < 50; trial++) {
            double[] scores = new double[n];
            for (int j = 0; j < n; j++) {
                scores[j] = random.nextInt(6) / 5.0; // six values: ties everywhere
            }
            int excluded = random.nextInt(n), k = 1 + random.nextInt(15);
            int[] top = new int[k];
            RetrievalMetrics.topExcluding(scores, 0, n, excluded, top, new double[k]);
            assertArrayEquals(topOfOthers(scores, 0, n, excluded, k), top, "trial " + trial);
        }
    }

    @Test
    void neighbourTiesGoToTheLowerIndexOnBothSides() {
        // y1 and y2 tie as neighbours of y0 (both perpendicular to it), so its native neighbour at k = 1 is y1
        float[] targets = {1, 0, 0, /**/ 0, 1, 0, /**/ 0, 0, 1};
        float[] tiedTranslation = {1, 1, 1, /**/ 0, 1, 0, /**/ 0, 0, 1}; // y1 and y2 tie again: y1, agreeing
        float[] leaning = {1, 0, 0.5f, /**/ 0, 1, 0, /**/ 0, 0, 1}; // nearer y2: disagreeing
        assertEquals(1.0, RetrievalMetrics.neighbourAgreement(tiedTranslation, targets, 3, 1, 1), 0);
        assertEquals(2.0 / 3, RetrievalMetrics.neighbourAgreement(leaning, targets, 3, 1, 1), 1e-12);
        // at k = 2 every row keeps both others, whatever the translation
        assertEquals(1.0, RetrievalMetrics.neighbourAgreement(leaning, targets, 3, 2, 1), 0);
    }

    @Test
    void withAtMostKOtherRowsEveryRowKeepsThemAll() {
        Random random = new Random(6);
        int d = 8;
        float[] targets = TestData.gaussian(11, d, random), unrelated = TestData.gaussian(11, d, random);
        assertEquals(1.0, RetrievalMetrics.heldOut(unrelated, targets, d, 1).neighbourAgreement(), 0, "10 others, k = 10");
        float[] five = Arrays.copyOf(targets, 5 * d);
        assertEquals(1.0, RetrievalMetrics.heldOut(Arrays.copyOf(unrelated, 5 * d), five, d, 1).neighbourAgreement(), 0);
        // 11 others: two top-10s of 11 share at least 9
        float[] twelve = TestData.gaussian(12, d, random);
        double agreement = RetrievalMetrics.heldOut(TestData.gaussian(12, d, random), twelve, d, 1).neighbourAgreement();
        assertTrue(agreement >= 0.9 && agreement <= 1, "agreement " + agreement);
        assertEquals(0.0, RetrievalMetrics.heldOut(Arrays.copyOf(unrelated, d), Arrays.copyOf(targets, d), d, 1).neighbourAgreement(), 0,
            "one row has no neighbours to agree on");
        assertThrows(IllegalArgumentException.class, () -> RetrievalMetrics.neighbourAgreement(targets, targets, d, 0, 1));
    }

    @Test
    void neighbourAgreementIsDeterministic() {
        Random random = new Random(7);
        int n = 400, d = 32;
        float[] targets = TestData.gaussian(n, d, random), translated = plusNoise(targets, d, 1.0, random);
        HeldOutMetrics first = RetrievalMetrics.heldOut(translated, targets, d, 2);
        assertEquals(first, RetrievalMetrics.heldOut(translated.clone(), targets.clone(), d, 2));
        assertEquals(first, RetrievalMetrics.heldOut(translated, targets, d, 1));
    }

    /** Positions of the {@code k} highest scores of row {@code i} of an {@code n x n} matrix other than column {@code i}. */
    private static int[] topOfOthers(double[] sim, int n, int i, int k) {
        return topOfOthers(sim, i * n, n, i, k);
    }

    /** By sorting: positions of the {@code k} highest of {@code scores[offset .. offset + n)} other than {@code i}. */
    private static int[] topOfOthers(double[] scores, int offset, int n, int i, int k) {
        double[] others = new double[n - 1];
        for (int j = 0, o = 0; j < n; j++) {
            if (j != i) {
                others[o++] = scores[offset + j];
            }
        }
        int[] top = RetrievalMetrics.topIndices(others, k);
        for (int t = 0; t < top.length; t++) {
            top[t] += top[t] >= i ? 1 : 0;
        }
        return top;
    }

    private static float[] standardGaussian(int n, int d, Random random) {
        float[] m = new float[n * d];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) random.nextGaussian();
        }
        return m;
    }

    /** Each row plus Gaussian noise whose expected length is {@code scale} times the row's. */
    private static float[] plusNoise(float[] rows, int d, double scale, Random random) {
        float[] out = rows.clone();
        for (int i = 0; i < rows.length / d; i++) {
            double sigma = scale * Vectors.norm(Vectors.row(rows, d, i)) / Math.sqrt(d);
            for (int j = 0; j < d; j++) {
                out[i * d + j] += (float) (sigma * random.nextGaussian());
            }
        }
        return out;
    }

    @Test
    void ckaIsOneUnderRotationAndScalingAndLowForIndependentSpaces() {
        Random random = new Random(2);
        int n = 500, d = 10;
        float[] x = TestData.gaussian(n, d, random);
        float[] rotated = TestData.times(x, d, TestData.orthogonal(d, d, random), d, 4.0);
        assertEquals(1.0, Cka.linear(x, d, rotated, d, 1), 1e-5);
        assertEquals(1.0, Cka.linear(x, d, x, d, 1), 1e-6);
        double independent = Cka.linear(x, d, TestData.gaussian(n, d, random), d, 1);
        assertTrue(independent < 0.1, "independent CKA " + independent);
        // by hand: x = (1, 2, 3), y = (2, 4, 7): centred (-1, 0, 1) and (-2.33, -0.33, 2.67); one-dimensional CKA is corr^2
        float[] a = {1, 2, 3}, b = {2, 4, 7};
        double corr = 0.9933992677987828; // Pearson correlation of a and b
        assertEquals(corr * corr, Cka.linear(a, 1, b, 1, 1), 1e-6);
    }
}
