package org.latentbridge.core.metrics;

import org.junit.jupiter.api.Test;
import org.latentbridge.core.TestData;
import org.latentbridge.core.linalg.Vectors;

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
        assertEquals(30, m.count());
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
