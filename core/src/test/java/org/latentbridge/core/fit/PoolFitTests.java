package org.latentbridge.core.fit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.latentbridge.core.TestData;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.io.BinaryCodec;
import org.latentbridge.core.linalg.Vectors;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.SpaceTranslator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fits from a handful of pairs plus unpaired pools, on synthetic clouds with a known answer: clustered points (a neighbour
 * graph of isotropic noise has no shape to align) and a target that is a random rotation of the source plus noise.
 */
class PoolFitTests {
    static final int D = 24;
    static final int CLUSTERS = 48;
    static final double NOISE = 0.01;

    /** The same items on both sides: {@code [source rows, target rows, rotation]}, row {@code i} of each is item {@code i}. */
    record Cloud(float[] x, float[] y, double[] rotation, int n) {
        static Cloud of(int n, long seed) {
            Random random = new Random(seed);
            float[] centres = TestData.gaussian(CLUSTERS, D, random);
            float[] x = new float[n * D];
            for (int i = 0; i < n; i++) {
                int c = random.nextInt(CLUSTERS);
                // clusters of different spreads, so that the graph's low frequencies are distinct
                double spread = 0.4 + 0.1 * (c % 4);
                for (int j = 0; j < D; j++) {
                    x[i * D + j] = (float) (centres[c * D + j] + spread * random.nextGaussian());
                }
            }
            double[] rotation = TestData.orthogonal(D, D, random);
            float[] y = TestData.times(x, D, rotation, D, 1.0);
            for (int i = 0; i < y.length; i++) {
                y[i] += (float) (NOISE * random.nextGaussian());
            }
            return new Cloud(x, y, rotation, n);
        }

        AnchorSet sourceRows(int from, int to, String prefix) {
            return rows(x, from, to, prefix);
        }

        AnchorSet targetRows(int from, int to, String prefix) {
            return rows(y, from, to, prefix);
        }

        /** The target rows in a seeded order under their own ids: a pool whose pairing with the source is hidden. */
        AnchorSet shuffledTargetPool(long seed) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(seed));
            float[] m = new float[n * D];
            String[] ids = new String[n];
            for (int i = 0; i < n; i++) {
                System.arraycopy(y, order.get(i) * D, m, i * D, D);
                ids[i] = "t" + i;
            }
            return AnchorSet.ofMatrix(D, ids, m);
        }

        private static AnchorSet rows(float[] m, int from, int to, String prefix) {
            String[] ids = new String[to - from];
            for (int i = from; i < to; i++) {
                ids[i - from] = prefix + i;
            }
            return AnchorSet.ofMatrix(D, ids, Arrays.copyOfRange(m, from * D, to * D));
        }
    }

    static FitResult fit(Cloud c, int pairs, Method method, FitOptions options) {
        return TranslatorFitter.fit(c.sourceRows(0, pairs, "a"), c.targetRows(0, pairs, "a"),
            new UnpairedPools(c.sourceRows(0, c.n, "s"), c.shuffledTargetPool(7)), options.withMethod(method));
    }

    /** Mean cosine between each translated source row and its true target, over rows the fit never saw as pairs. */
    static double meanCosineToTruth(SpaceTranslator t, Cloud c, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            float[] translated = t.translate(Arrays.copyOfRange(c.x, i * D, (i + 1) * D), true);
            sum += Vectors.cosine(translated, Arrays.copyOfRange(c.y, i * D, (i + 1) * D));
        }
        return sum / (to - from);
    }

    @ParameterizedTest
    @EnumSource(value = Method.class, names = {"FUNCTIONAL_MAP", "GROMOV_WASSERSTEIN"})
    void aRotationIsRecoveredFromFivePairsAndPoolsOfTheSameItems(Method method) {
        // a pool of 1,200: each soft target averages 60 neighbours, 5 % of the pool, as in pools of real size
        Cloud c = Cloud.of(1200, 11);
        FitResult fit = fit(c, 5, method, FitOptions.defaults());
        assertEquals(method, fit.method());
        assertEquals(method, fit.translator().method());
        assertEquals(5, fit.sharedAnchors());
        // 5 pairs in 24 dimensions fix at most 5 of them; the pools fix the rest: as well as Procrustes on all 400 true pairs
        // (whose cosines fall short of 1 only because unit-length rows lose each vector's distance from the mean)
        FitResult ceiling = TranslatorFitter.fit(c.sourceRows(0, c.n, "a"), c.targetRows(0, c.n, "a"),
            FitOptions.defaults().withMethod(Method.ORTHOGONAL));
        double cosine = meanCosineToTruth(fit.translator(), c, 5, c.n), best = meanCosineToTruth(ceiling.translator(), c, 5, c.n);
        assertTrue(cosine > best - 0.002, "mean cosine to the true targets " + cosine + ", Procrustes on every true pair " + best + "; "
            + fit.pools() + " " + fit.chosenMetrics());
        FitResult.PoolRun run = fit.pools();
        assertNotNull(run);
        assertTrue(run.recovered(), run.toString());
        assertTrue(run.mutualMatchShare() > 0.5, run.toString());
        assertEquals(c.n, run.sourcePool());
        assertEquals(c.n, run.targetPool());
        assertEquals(List.of(method), List.copyOf(fit.metrics().keySet()));
        assertEquals(5, fit.chosenMetrics().count());
        // leave-one-out from 5 pairs: each pair, translated by the map fitted without it from 4, ranks far above chance among
        // the 1,200 pool vectors and the other pairs' targets (chance MRR is under 0.01)
        assertTrue(fit.chosenMetrics().mrr() >= 0.3, "cross-validated " + fit.chosenMetrics());
    }

    @Test
    void theSamePairsPoolsAndSeedGiveABitIdenticalTranslator() {
        Cloud c = Cloud.of(300, 12);
        FitResult a = fit(c, 6, Method.FUNCTIONAL_MAP, FitOptions.defaults().withParallelism(1));
        FitResult b = fit(c, 6, Method.FUNCTIONAL_MAP, FitOptions.defaults().withParallelism(3));
        assertArrayEquals(BinaryCodec.encode(a.translator()), BinaryCodec.encode(b.translator()));
    }

    @Test
    void fewerThanFivePairsAreRefusedWithTheNumberNeeded() {
        Cloud c = Cloud.of(300, 13);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> fit(c, 4, Method.FUNCTIONAL_MAP, FitOptions.defaults()));
        assertTrue(e.getMessage().contains("needs at least [5] paired anchors") && e.getMessage().contains("got [4]"), e.getMessage());
    }

    @Test
    void smallPoolsAreRefusedWithTheSizeNeeded() {
        Cloud c = Cloud.of(150, 14);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> fit(c, 10, Method.GROMOV_WASSERSTEIN, FitOptions.defaults()));
        assertTrue(e.getMessage().contains("at least [" + PoolFit.MIN_POOL + "] unpaired vectors") && e.getMessage().contains("[150]"),
            e.getMessage());
    }

    @Test
    void poolsOfOtherDimensionsAreRefused() {
        Cloud c = Cloud.of(300, 15);
        AnchorSet narrow = TestData.anchors(TestData.gaussian(300, D - 1, new Random(1)), D - 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TranslatorFitter.fit(c.sourceRows(0, 10, "a"),
            c.targetRows(0, 10, "a"), new UnpairedPools(c.sourceRows(0, 300, "s"), narrow), FitOptions.defaults()
                .withMethod(Method.FUNCTIONAL_MAP)));
        assertTrue(e.getMessage().contains("target pool"), e.getMessage());
    }

    @Test
    void aPoolOfCopiesIsRefused() {
        Cloud c = Cloud.of(300, 16);
        float[] copies = new float[300 * D];
        for (int i = 0; i < 300; i++) {
            System.arraycopy(c.y, (i % 50) * D, copies, i * D, D);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TranslatorFitter.fit(c.sourceRows(0, 10, "a"),
            c.targetRows(0, 10, "a"), new UnpairedPools(c.sourceRows(0, 300, "s"), TestData.anchors(copies, D)), FitOptions.defaults()
                .withMethod(Method.FUNCTIONAL_MAP)));
        assertTrue(e.getMessage().contains("the target pool holds [300] vectors but only [50] distinct ones"), e.getMessage());
    }

    @Test
    void aRankDeficientPoolIsRefused() {
        Cloud c = Cloud.of(300, 17);
        Random random = new Random(2);
        float[] basis = TestData.gaussian(3, D, random), coefficients = TestData.gaussian(300, 3, random);
        float[] flat = new float[300 * D];
        for (int i = 0; i < 300; i++) {
            for (int k = 0; k < 3; k++) {
                for (int j = 0; j < D; j++) {
                    flat[i * D + j] += coefficients[i * 3 + k] * basis[k * D + j];
                }
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TranslatorFitter.fit(c.sourceRows(0, 10, "a"),
            c.targetRows(0, 10, "a"), new UnpairedPools(TestData.anchors(flat, D), c.shuffledTargetPool(3)), FitOptions.defaults()
                .withMethod(Method.FUNCTIONAL_MAP)));
        assertTrue(e.getMessage().contains("the source pool spans [") && e.getMessage().contains("a pool must span at least [12]"),
            e.getMessage());
    }

    @Test
    void aPoolMethodWithoutPoolsIsRefused() {
        Cloud c = Cloud.of(300, 18);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TranslatorFitter.fit(c.sourceRows(0, 50, "a"),
            c.targetRows(0, 50, "a"), FitOptions.defaults().withMethod(Method.GROMOV_WASSERSTEIN)));
        assertTrue(e.getMessage().contains("[gromov_wasserstein] fits from pools of unpaired vectors"), e.getMessage());
    }

    @Test
    void autoFitsFromThePoolsOnlyWhenThePairsAreTooFew() {
        Cloud c = Cloud.of(300, 19);
        UnpairedPools pools = new UnpairedPools(c.sourceRows(0, 300, "s"), c.shuffledTargetPool(5));
        FitResult few = TranslatorFitter.fit(c.sourceRows(0, 12, "a"), c.targetRows(0, 12, "a"), pools, FitOptions.defaults());
        assertEquals(Method.FUNCTIONAL_MAP, few.method());
        assertTrue(few.selection().contains("functional_map chosen: the models share 12 anchors, fewer than the 24"), few.selection());
        int enough = TranslatorFitter.poolPairLimit(D, D);
        FitResult many = TranslatorFitter.fit(c.sourceRows(0, enough + 40, "a"), c.targetRows(0, enough + 40, "a"), pools,
            FitOptions.defaults());
        assertFalse(many.method().usesPools(), many.method().apiName());
        assertNull(many.pools());
        FitResult noPools = TranslatorFitter.fit(c.sourceRows(0, 12, "a"), c.targetRows(0, 12, "a"), null, FitOptions.defaults());
        assertFalse(noPools.method().usesPools());
    }

    @Test
    void minQualityAppliesToTheCrossValidatedMetrics() {
        Cloud c = Cloud.of(300, 20);
        QualityGateException e = assertThrows(QualityGateException.class, () -> fit(c, 6, Method.FUNCTIONAL_MAP,
            FitOptions.defaults().withMinQuality(Map.of("mean_cosine", 1.0))));
        assertTrue(e.getMessage().contains("method [functional_map] held-out mean_cosine"), e.getMessage());
    }

    @Test
    void poolsWithNothingInCommonAreReportedAsNotRecovered() {
        Cloud c = Cloud.of(400, 21);
        // the target pool is isotropic noise: nothing the pairs can align the source pool with
        FitResult fit = TranslatorFitter.fit(c.sourceRows(0, 6, "a"), c.targetRows(0, 6, "a"),
            new UnpairedPools(c.sourceRows(0, 400, "s"), TestData.anchors(TestData.gaussian(400, D, new Random(3)), D)),
            FitOptions.defaults().withMethod(Method.FUNCTIONAL_MAP));
        assertFalse(fit.pools().recovered(), fit.pools().toString());
        assertTrue(fit.diagnostics().warnings().stream().anyMatch(w -> w.contains("the pools were not aligned")
            || w.contains("the held-out pairs were not found")),
            fit.diagnostics().warnings().toString());
    }

    @Test
    void aCancelledFitStops() {
        Cloud c = Cloud.of(300, 22);
        int[] polls = {0};
        assertThrows(CancellationException.class, () -> fit(c, 6, Method.FUNCTIONAL_MAP,
            FitOptions.defaults().withCancellation(() -> ++polls[0] > 3)));
    }
}
