package org.latentbridge.core.fit;

import org.junit.jupiter.api.Test;
import org.latentbridge.core.TestData;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.io.BinaryCodec;
import org.latentbridge.core.linalg.MatrixKernels;
import org.latentbridge.core.linalg.Vectors;
import org.latentbridge.core.metrics.HeldOutMetrics;
import org.latentbridge.core.translate.KernelTranslator;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.Preprocessing;
import org.latentbridge.core.translate.SpaceTranslator;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code orthogonal_kernel}: Procrustes plus a Nystrom kernel ridge regression on its residual. */
class KernelCorrectionTests {

    /** A target that no linear map reaches: each coordinate of a rotation, bent by a sine. */
    private static float[] bent(float[] x, int d, double[] q, Random random) {
        float[] y = TestData.times(x, d, q, d, 1);
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) (y[i] + 1.0 * Math.sin(2.5 * y[i]) + 0.01 * random.nextGaussian());
        }
        return y;
    }

    @Test
    void onARotatedPairTheCorrectionVanishes() {
        Random random = new Random(3);
        int n = 800, d = 16;
        float[] x = TestData.gaussian(n, d, random);
        float[] y = TestData.times(x, d, TestData.orthogonal(d, d, random), d, 2.0);
        AnchorSet source = TestData.anchors(x, d), target = TestData.anchors(y, d);
        SpaceTranslator rotation = TranslatorFitter.fit(source, target, FitOptions.defaults().withMethod(Method.ORTHOGONAL)).translator();
        FitResult kernel = TranslatorFitter.fit(source, target, FitOptions.defaults().withMethod(Method.ORTHOGONAL_KERNEL));
        assertInstanceOf(KernelTranslator.class, kernel.translator());
        assertNotNull(kernel.kernel());
        float[] probe = TestData.gaussian(1, d, random);
        // stated tolerance: the residual is float rounding, so the correction must stay below 1e-3 per coordinate
        assertTrue(TestData.maxAbsDiff(kernel.translator().translate(probe, true), rotation.translate(probe, true)) < 1e-3);
    }

    @Test
    void aBentTargetIsTranslatedBetterThanByAnyRotation() {
        Random random = new Random(11);
        int n = 2000, d = 8;
        float[] x = TestData.gaussian(n, d, random);
        float[] y = bent(x, d, TestData.orthogonal(d, d, random), random);
        AnchorSet source = TestData.anchors(x, d), target = TestData.anchors(y, d);
        FitResult auto = TranslatorFitter.fit(source, target, FitOptions.defaults());
        double rotation = auto.metrics().get(Method.ORTHOGONAL).meanCosine();
        double kernel = auto.metrics().get(Method.ORTHOGONAL_KERNEL).meanCosine();
        assertTrue(kernel > rotation + 0.02, "held-out mean cosine: kernel " + kernel + ", orthogonal " + rotation);
        assertNotNull(auto.selection(), "auto says why it kept or passed over the kernel");
        assertTrue(auto.selection()
            .contains(auto.method() == Method.ORTHOGONAL_KERNEL ? "orthogonal_kernel chosen" : "orthogonal_kernel not"), auto.selection());
        assertTrue(auto.selection().contains("contrastive"), "auto says whether it preferred contrastive: " + auto.selection());
        // the per-query path (SIMD matrix-vector products) equals the batched fit-time path on the same rows
        KernelTranslator t = TranslatorFitter.fitKernel(source, target, FitOptions.defaults(), auto.kernel());
        for (int i = 0; i < 5; i++) {
            float[] v = Arrays.copyOfRange(x, i * d, (i + 1) * d);
            float[] entered = t.source().enter(v);
            double[] product = new double[d];
            float[] linear = new float[d];
            MatrixKernels.vectorTimesMatrix(entered, t.rotation(), d, d, linear);
            for (int j = 0; j < d; j++) {
                product[j] = linear[j];
            }
            KernelCorrectionFit.addCorrection(new KernelCorrectionFit.Correction(t.centres(), t.coefficients(), t.temperature(),
                t.centreCount()), entered, d, 0, 1, d, product, 1);
            float[] batched = t.target().leave(MatrixKernels.toFloat(product), false);
            assertTrue(TestData.maxAbsDiff(t.translate(v, false), batched) < 1e-4, "row " + i);
        }
    }

    @Test
    void theAutoMarginKeepsTheOneMatrixMethodOnTies() {
        var linear = new HeldOutMetrics(0.6, 0.9, 1, 0.95, 0.5, 100);
        var kernelSmallGain = new HeldOutMetrics(0.7, 0.91, 1, 0.955, 0.5, 100);
        var kernelLargeGain = new HeldOutMetrics(0.7, 0.95, 1, 0.965, 0.5, 100);
        var metrics = new LinkedHashMap<Method, HeldOutMetrics>();
        metrics.put(Method.ORTHOGONAL, linear);
        metrics.put(Method.ORTHOGONAL_KERNEL, kernelSmallGain);
        assertEquals(Method.ORTHOGONAL, TranslatorFitter.choose(metrics, false));
        metrics.put(Method.ORTHOGONAL_KERNEL, kernelLargeGain);
        assertEquals(Method.ORTHOGONAL_KERNEL, TranslatorFitter.choose(metrics, false));
    }

    @Test
    void duplicateAnchorsAndFewerAnchorsThanDimensionsFitFinite() {
        Random random = new Random(5);
        int d = 32, distinct = 12, n = 24;
        float[] base = TestData.gaussian(distinct, d, random);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(base, (i % distinct) * d, x, i * d, d); // every anchor twice, under two ids
        }
        float[] y = TestData.times(x, d, TestData.orthogonal(d, d, random), d, 1);
        FitResult fit = TranslatorFitter.fit(TestData.anchors(x, d), TestData.anchors(y, d),
            FitOptions.defaults().withMethod(Method.ORTHOGONAL_KERNEL));
        KernelTranslator t = (KernelTranslator) fit.translator();
        for (float v : t.coefficients()) {
            assertTrue(Float.isFinite(v));
        }
        float[] out = t.translate(TestData.gaussian(1, d, random), true);
        assertEquals(1, Vectors.norm(out), 1e-5);
    }

    @Test
    void binaryFormRoundTripsBitForBitAndMeanWeightOnlyMovesTheMean() {
        Random random = new Random(9);
        int n = 400, d = 8;
        float[] x = TestData.gaussian(n, d, random);
        float[] y = bent(x, d, TestData.orthogonal(d, d, random), random);
        KernelTranslator t = (KernelTranslator) TranslatorFitter.fit(TestData.anchors(x, d), TestData.anchors(y, d),
            FitOptions.defaults().withMethod(Method.ORTHOGONAL_KERNEL)).translator();
        KernelTranslator back = (KernelTranslator) BinaryCodec.decodeTranslator(BinaryCodec.encode(t));
        assertEquals(t, back);
        float[] probe = TestData.gaussian(1, d, random);
        assertArrayEquals(t.translate(probe, false), back.translate(probe, false));
        float[] none = t.withMeanWeight(0).translate(probe, false), full = t.withMeanWeight(1).translate(probe, false);
        float[] mean = t.target().mean();
        for (int j = 0; j < d; j++) {
            assertEquals(mean[j], full[j] - none[j], 1e-5, "coordinate " + j);
        }
    }

    @Test
    void theKernelNeedsNormalisedAnchorsAndSaysSo() {
        Random random = new Random(1);
        float[] x = TestData.gaussian(100, 4, random);
        FitOptions options = FitOptions.defaults().withMethod(Method.ORTHOGONAL_KERNEL)
            .withPreprocessing(new Preprocessing(true, false, false, 0.5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> TranslatorFitter.fit(TestData.anchors(x, 4), TestData.anchors(x, 4), options));
        assertTrue(e.getMessage().contains("[preprocess.normalize] true"), e.getMessage());
    }
}
