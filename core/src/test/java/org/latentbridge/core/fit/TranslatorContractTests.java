package org.latentbridge.core.fit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.latentbridge.core.TestData;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.io.BinaryCodec;
import org.latentbridge.core.linalg.Vectors;
import org.latentbridge.core.metrics.HeldOutMetrics;
import org.latentbridge.core.translate.LinearTranslator;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.Translator;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every fitted translator honours, for every method and over the shapes that break naive maths:
 * fewer anchors than dimensions, as many, far more, and different source and target dimensions.
 */
class TranslatorContractTests {

    record Shape(String name, int n, int ds, int dt) {}

    static Stream<Arguments> methodsAndShapes() {
        List<Shape> shapes = List.of(new Shape("n<d", 40, 64, 64), new Shape("n=d", 48, 48, 48), new Shape("n>>d", 800, 32, 32),
            new Shape("ds<dt", 300, 24, 48), new Shape("ds>dt", 300, 48, 24));
        List<Arguments> args = new ArrayList<>();
        for (Method m : new Method[] {Method.ORTHOGONAL, Method.LINEAR, Method.AFFINE, Method.INVERSE_RELATIVE, null}) {
            for (Shape s : shapes) {
                args.add(Arguments.of(m == null ? "auto" : m.apiName(), m, s));
            }
        }
        return args.stream();
    }

    /** A noisy linear relation: what a pair of real encoders looks like to a linear method. */
    private static AnchorSet[] pair(Shape s, long seed) {
        Random random = new Random(seed);
        float[] x = TestData.gaussian(s.n(), s.ds(), random);
        double[] m = new double[s.ds() * s.dt()];
        for (int i = 0; i < m.length; i++) {
            m[i] = random.nextGaussian() / Math.sqrt(s.ds());
        }
        float[] y = TestData.times(x, s.ds(), m, s.dt(), 1.0);
        for (int i = 0; i < y.length; i++) {
            y[i] += (float) (0.2 * random.nextGaussian());
        }
        return new AnchorSet[] {TestData.anchors(x, s.ds()), TestData.anchors(y, s.dt())};
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("methodsAndShapes")
    void fitHonoursTheContract(String name, Method method, Shape shape) {
        AnchorSet[] p = pair(shape, 17);
        FitOptions options = FitOptions.defaults().withMethod(method).withSeed(3);
        FitResult fit = TranslatorFitter.fit(p[0], p[1], options);
        LinearTranslator t = fit.linearTranslator();

        assertEquals(shape.ds(), t.sourceDims());
        assertEquals(shape.dt(), t.targetDims());
        assertEquals(shape.n(), fit.sharedAnchors());
        assertEquals(shape.n(), fit.fitAnchors() + fit.heldOut());
        assertEquals(shape.n(), t.anchorCount());
        assertTrue(fit.heldOut() >= 2 && fit.heldOut() <= shape.n() / 2, "held out " + fit.heldOut());
        if (method != null) {
            assertEquals(method, fit.method());
            assertEquals(List.of(method), List.copyOf(fit.metrics().keySet()));
        } else {
            assertTrue(fit.metrics().size() >= 3, "auto tries every applicable method");
            double best = fit.metrics().values().stream().mapToDouble(HeldOutMetrics::mrr).max().orElseThrow();
            assertTrue(fit.chosenMetrics().mrr() >= best - TranslatorFitter.MRR_TIE, "auto keeps the best held-out MRR, up to ties");
        }
        for (HeldOutMetrics m : fit.metrics().values()) {
            assertTrue(m.top1() >= 0 && m.top1() <= m.top10() && m.top10() <= 1, m.toString());
            assertTrue(m.mrr() >= m.top1() - 1e-12 && m.mrr() <= 1, m.toString());
            assertTrue(Double.isFinite(m.meanCosine()) && Math.abs(m.meanCosine()) <= 1 + 1e-9, m.toString());
            assertEquals(fit.heldOut(), m.count());
        }
        // a noisy but real linear relation is learnt far better than chance (1 / heldOut) by every method
        assertTrue(fit.chosenMetrics().mrr() > 5.0 / fit.heldOut(), "mrr " + fit.chosenMetrics().mrr());

        Random random = new Random(99);
        float[][] queries = new float[5][];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = TestData.gaussian(1, shape.ds(), random);
        }
        float[][] batch = t.translateAll(queries, false);
        for (int i = 0; i < queries.length; i++) {
            float[] one = t.translate(queries[i], false);
            assertArrayEquals(one, batch[i], "the batch form equals one-by-one translation");
            for (float v : one) {
                assertTrue(Float.isFinite(v));
            }
            assertEquals(1.0, Vectors.norm(t.translate(queries[i], true)), 1e-5, "unit length when asked");
        }

        Translator decoded = BinaryCodec.decodeTranslator(BinaryCodec.encode(t));
        assertEquals(t, decoded, "binary round trip is exact");
        assertArrayEquals(t.translate(queries[0], false), decoded.translate(queries[0], false));

        FitResult again = TranslatorFitter.fit(p[0], p[1], options);
        assertArrayEquals(t.matrix(), again.linearTranslator().matrix(), "the same seed gives the same translator");
        assertEquals(fit.metrics(), again.metrics());
    }
}
