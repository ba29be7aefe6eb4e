package org.latentbridge.core.fit;

import org.junit.jupiter.api.Test;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.metrics.HeldOutMetrics;
import org.latentbridge.core.metrics.RetrievalMetrics;
import org.latentbridge.core.TestData;
import org.latentbridge.core.translate.LinearTranslator;
import org.latentbridge.core.translate.Method;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContrastiveFitTests {

    /** Unit rows, as the frames enter them. */
    private static float[] unitGaussian(int n, int d, Random random) {
        return ContrastiveFit.unitRows(TestData.gaussian(n, d, random), d);
    }

    private static ContrastiveSettings settings(int steps, int batch) {
        return new ContrastiveSettings(steps, ContrastiveSettings.DEFAULT_TEMPERATURE, 1e-3, batch);
    }

    @Test
    void theGradientIsTheLossDerivative() {
        // one batch holding every row: the step's gradient is the gradient of the full symmetric loss
        Random random = new Random(3);
        int n = 12, ds = 6, dt = 5;
        float[] x = unitGaussian(n, ds, random), y = unitGaussian(n, dt, random);
        float[] w = TestData.gaussian(ds, dt, random);
        ContrastiveSettings s = new ContrastiveSettings(1, 0.5, 1e-3, n);
        ContrastiveFit.Optimiser optimiser = new ContrastiveFit.Optimiser(x, ds, y, dt, n, w, s, 0, 1);
        optimiser.step();
        double[] gradient = optimiser.lastGradient().clone();
        float[] unitY = ContrastiveFit.unitRows(y, dt);
        double h = 1e-3;
        for (int k = 0; k < w.length; k++) {
            float[] plus = w.clone(), minus = w.clone();
            plus[k] += (float) h;
            minus[k] -= (float) h;
            double numeric = (loss(x, ds, unitY, dt, n, plus, s) - loss(x, ds, unitY, dt, n, minus, s))
                / ((double) plus[k] - minus[k]);
            assertEquals(numeric, gradient[k], 2e-3 * Math.max(1, Math.abs(numeric)), "d loss / d w[" + k + "]");
        }
    }

    private static double loss(float[] x, int ds, float[] unitY, int dt, int n, float[] w, ContrastiveSettings s) {
        return new ContrastiveFit.Optimiser(x, ds, unitY, dt, n, w, s, 0, 1).loss(x, unitY, n);
    }

    @Test
    void stepsLowerTheTrainingLoss() {
        Random random = new Random(4);
        int n = 400, d = 16;
        float[] x = unitGaussian(n, d, random);
        float[] y = noisy(TestData.times(x, d, TestData.orthogonal(d, d, random), d, 1.0), 0.5, random);
        float[] start = TestData.gaussian(d, d, random);
        ContrastiveSettings fast = new ContrastiveSettings(300, ContrastiveSettings.DEFAULT_TEMPERATURE, 1e-2, 64);
        ContrastiveFit.Optimiser optimiser = new ContrastiveFit.Optimiser(x, d, y, d, n, start, fast, 1, 1);
        float[] unitY = ContrastiveFit.unitRows(y, d);
        double before = optimiser.loss(x, unitY, n);
        for (int i = 0; i < 300; i++) {
            optimiser.step();
        }
        double after = optimiser.loss(x, unitY, n);
        assertTrue(after < 0.5 * before, "loss " + before + " -> " + after);
    }

    @Test
    void theLossIsLowestAtTheTrueRotation() {
        Random random = new Random(5);
        int n = 600, d = 32;
        float[] x = unitGaussian(n, d, random);
        double[] rotation = TestData.orthogonal(d, d, random);
        float[] y = TestData.times(x, d, rotation, d, 1.0);
        float[] truth = new float[d * d];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = (float) rotation[i];
        }
        ContrastiveSettings s = ContrastiveSettings.DEFAULT;
        double atTruth = new ContrastiveFit.Optimiser(x, d, y, d, n, truth, s, 0, 1).loss(x, ContrastiveFit.unitRows(y, d), n);
        // a map moved by a few per cent of its entries' scale can sit a hair lower (it pushes close negatives apart, and the
        // loss there is flat to 1e-3 of its value): the claim is that every visible move away from the truth costs
        for (double size : new double[] {0.05, 0.2, 0.5}) {
            for (int trial = 0; trial < 3; trial++) {
                float[] moved = truth.clone();
                for (int i = 0; i < moved.length; i++) {
                    moved[i] += (float) (size * random.nextGaussian() / Math.sqrt(d));
                }
                double loss = new ContrastiveFit.Optimiser(x, d, y, d, n, moved, s, 0, 1).loss(x, ContrastiveFit.unitRows(y, d), n);
                assertTrue(loss > atTruth, "a map moved by " + size + " has loss " + loss + " <= " + atTruth + " at the truth");
            }
        }
    }

    @Test
    void aRotationIsRecovered() {
        // exactly rotated anchors: the fit (orthogonal start, early stopping on the validation loss) keeps every pair first
        // and stays within a slight bend of the rotation (see theLossIsLowestAtTheTrueRotation for why it may bend)
        Random random = new Random(6);
        int n = 1000, d = 48;
        float[] x = TestData.gaussian(n, d, random);
        float[] y = TestData.times(x, d, TestData.orthogonal(d, d, random), d, 1.0);
        FitResult fit = TranslatorFitter.fit(TestData.anchors(x, d), TestData.anchors(y, d),
            FitOptions.defaults().withMethod(Method.CONTRASTIVE).withContrastive(settings(1000, 256)));
        assertEquals(1.0, fit.chosenMetrics().top1(), fit.chosenMetrics().toString());
        assertTrue(fit.chosenMetrics().meanCosine() > 0.95, fit.chosenMetrics().toString());
        assertTrue(fit.contrastive().chosenLoss() <= fit.contrastive().startLoss(), fit.contrastive().toString());
    }

    @Test
    void aPerturbedStartMovesTowardTheTruth() {
        Random random = new Random(6);
        int n = 1500, d = 64;
        float[] x = unitGaussian(n, d, random);
        double[] rotation = TestData.orthogonal(d, d, random);
        float[] y = TestData.times(x, d, rotation, d, 1.0);
        float[] start = new float[d * d];
        for (int i = 0; i < start.length; i++) {
            start[i] = (float) (rotation[i] + 0.06 * random.nextGaussian());
        }
        float[] w = ContrastiveFit.run(x, d, y, d, n, start, 2000, settings(2000, 256), 2, 1, (step, of) -> {});
        double before = RetrievalMetrics.meanRowCosine(TestData.times(x, d, toDouble(start), d, 1.0), y, d);
        double after = RetrievalMetrics.meanRowCosine(TestData.times(x, d, toDouble(w), d, 1.0), y, d);
        assertTrue(after > before + 0.015, "mean cosine to the true targets " + before + " -> " + after);
    }

    @Test
    void beatsOrthogonalWhenTheTrueMapIsNotOrthogonal() {
        // y = x A + noise with A stretching some directions 6 times more than others: a rotation cannot undo the stretch
        Random random = new Random(7);
        int n = 3000, ds = 32, dt = 32;
        float[] x = TestData.gaussian(n, ds, random);
        double[] u = TestData.orthogonal(ds, ds, random), v = TestData.orthogonal(dt, dt, random);
        double[] a = new double[ds * dt];
        for (int i = 0; i < ds; i++) {
            for (int j = 0; j < dt; j++) {
                double sum = 0;
                for (int k = 0; k < ds; k++) {
                    sum += u[i * ds + k] * (0.2 + 3.8 * k / (ds - 1.0)) * v[k * dt + j];
                }
                a[i * dt + j] = sum;
            }
        }
        float[] y = noisy(TestData.times(x, ds, a, dt, 1.0), 3.0, random);
        AnchorSet source = TestData.anchors(x, ds), target = TestData.anchors(y, dt);
        FitResult orthogonal = TranslatorFitter.fit(source, target, FitOptions.defaults().withMethod(Method.ORTHOGONAL));
        FitResult contrastive = TranslatorFitter.fit(source, target, FitOptions.defaults().withMethod(Method.CONTRASTIVE));
        HeldOutMetrics o = orthogonal.chosenMetrics(), c = contrastive.chosenMetrics();
        assertTrue(o.mrr() < 0.9, "the pair must not saturate orthogonal's retrieval: " + o);
        assertTrue(c.mrr() > o.mrr() + 0.02, "contrastive " + c + " against orthogonal " + o);
        FitResult.ContrastiveRun run = contrastive.contrastive();
        assertTrue(run.chosenStep() > 0 && run.chosenLoss() < run.startLoss(), run.toString());
        assertTrue(run.refitSteps() > run.chosenStep(), "the refit makes as many epochs over more rows: " + run);
    }

    @Test
    void theSameRowsAndSeedGiveTheSameMatrixAtAnyParallelism() {
        Random random = new Random(8);
        int n = 700, ds = 40, dt = 36;
        float[] x = unitGaussian(n, ds, random);
        float[] y = noisy(TestData.times(x, ds, TestData.orthogonal(ds, dt, random), dt, 1.0), 0.3, random);
        ContrastiveFit.Outcome one = ContrastiveFit.earlyStopped(x, ds, y, dt, n, settings(300, 128), 9, 1, (s, of) -> {});
        ContrastiveFit.Outcome four = ContrastiveFit.earlyStopped(x, ds, y, dt, n, settings(300, 128), 9, 4, (s, of) -> {});
        assertArrayEquals(one.w(), four.w());
        assertEquals(one.chosenStep(), four.chosenStep());
        float[] start = one.w();
        float[] seeded = ContrastiveFit.run(x, ds, y, dt, n, start, 200, settings(200, 128), 9, 1, (s, of) -> {});
        assertArrayEquals(seeded, ContrastiveFit.run(x, ds, y, dt, n, start, 200, settings(200, 128), 9, 3, (s, of) -> {}));
        float[] otherSeed = ContrastiveFit.run(x, ds, y, dt, n, start, 200, settings(200, 128), 10, 1, (s, of) -> {});
        assertTrue(Arrays.equals(seeded, otherSeed) == false, "the seed orders the batches");
    }

    @Test
    void noStepsKeepTheOrthogonalStart() {
        AnchorSet[] p = TranslatorContract.pair(new TranslatorContract.Shape("small", 200, 16, 16), 3);
        FitOptions options = FitOptions.defaults().withContrastive(new ContrastiveSettings(0, 0.05, 1e-4, 256));
        FitResult orthogonal = TranslatorFitter.fit(p[0], p[1], options.withMethod(Method.ORTHOGONAL));
        FitResult contrastive = TranslatorFitter.fit(p[0], p[1], options.withMethod(Method.CONTRASTIVE));
        assertEquals(0, contrastive.contrastive().chosenStep());
        assertEquals(0, contrastive.contrastive().refitSteps());
        LinearTranslator o = orthogonal.linearTranslator(), c = contrastive.linearTranslator();
        assertEquals(Method.CONTRASTIVE, c.method());
        float[] q = TestData.gaussian(1, 16, new Random(1));
        assertArrayEquals(o.translate(q, true), c.translate(q, true));
    }

    @Test
    void progressIsReportedAndCancellationStopsTheFit() {
        AnchorSet[] p = TranslatorContract.pair(new TranslatorContract.Shape("small", 300, 16, 16), 3);
        List<String> phases = new ArrayList<>();
        FitOptions options = FitOptions.defaults().withMethod(Method.CONTRASTIVE).withContrastive(settings(400, 64))
            .withProgress((phase, done, total) -> phases.add(phase));
        TranslatorFitter.fit(p[0], p[1], options);
        assertTrue(phases.contains("method contrastive: step 100 of 400"), phases.toString());
        int[] polls = {0};
        FitOptions cancelled = options.withCancellation(() -> ++polls[0] > 3);
        assertThrows(CancellationException.class, () -> TranslatorFitter.fit(p[0], p[1], cancelled));
    }

    @Test
    void tooFewAnchorsToCheckStepsOnAreRefusedByName() {
        Random random = new Random(2);
        float[] x = unitGaussian(3, 4, random), y = unitGaussian(3, 4, random);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ContrastiveFit.earlyStopped(x, 4, y, 4, 3, ContrastiveSettings.DEFAULT, 0, 1, (s, of) -> {}));
        assertTrue(e.getMessage().contains("[contrastive] needs at least [4] anchors"), e.getMessage());
    }

    @Test
    void settingsOutsideTheirRangesAreRefusedByName() {
        for (Runnable bad : List.<Runnable>of(() -> new ContrastiveSettings(-1, 0.05, 1e-4, 256),
            () -> new ContrastiveSettings(ContrastiveSettings.MAX_STEPS_LIMIT + 1, 0.05, 1e-4, 256),
            () -> new ContrastiveSettings(100, 0.001, 1e-4, 256), () -> new ContrastiveSettings(100, Double.NaN, 1e-4, 256),
            () -> new ContrastiveSettings(100, 0.05, 0, 256), () -> new ContrastiveSettings(100, 0.05, 1e-4, 1))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::run);
            assertTrue(e.getMessage().startsWith("[contrastive."), e.getMessage());
        }
    }

    private static float[] noisy(float[] m, double sigma, Random random) {
        float[] out = m.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += (float) (sigma * random.nextGaussian());
        }
        return out;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
