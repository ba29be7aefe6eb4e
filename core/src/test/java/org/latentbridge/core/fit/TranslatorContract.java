package org.latentbridge.core.fit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentbridge.core.TestData;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.io.BinaryCodec;
import org.latentbridge.core.linalg.Vectors;
import org.latentbridge.core.translate.RelativeProjection;
import org.latentbridge.core.translate.SpaceFrame;
import org.latentbridge.core.translate.SpaceTranslator;
import org.latentbridge.core.translate.Translator;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every translator honours, one invariant per test, over the shapes that break naive maths: fewer anchors
 * than dimensions, as many, far more, and different source and target dimensions. A subclass says how its translator is
 * built from a pair of anchor sets; translators are built once per shape and shared by the tests of one class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TranslatorContract {
    /** Unit length is promised to this: float rounding of a few hundred unit-scale values is far smaller. */
    static final double UNIT_TOLERANCE = 1e-5;
    /**
     * Queries far beyond the anchors' scale enter as their own direction (the anchor mean is negligible next to them), so
     * they translate as the same direction at an ordinary scale does: to this, per unit-length component.
     */
    static final double DIRECTION_TOLERANCE = 1e-5;
    static final long SEED = 3;

    record Shape(String name, int n, int ds, int dt) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final Shape EXTREMES_SHAPE = new Shape("n>d", 300, 24, 16);

    static Stream<Shape> shapes() {
        return Stream.of(new Shape("n<d", 40, 64, 64), new Shape("n=d", 48, 48, 48), new Shape("n>>d", 800, 32, 32),
            new Shape("ds<dt", 300, 24, 48), new Shape("ds>dt", 300, 48, 24));
    }

    /** Builds the translator under test; the same anchors and seed must give a bit-identical translator. */
    abstract Translator build(AnchorSet source, AnchorSet target, long seed);

    /** Output dimensions for a shape: the target's, unless the translator defines its own space. */
    int targetDims(Shape shape) {
        return shape.dt();
    }

    int anchorCount(Shape shape) {
        return shape.n();
    }

    /** Whether every output is unit length whatever {@code unitLength} says (relative vectors). */
    boolean alwaysUnitLength() {
        return false;
    }

    private final Map<Shape, Translator> built = new HashMap<>();

    Translator translator(Shape shape) {
        return built.computeIfAbsent(shape, s -> {
            AnchorSet[] p = pair(s, 17);
            return build(p[0], p[1], SEED);
        });
    }

    /** A noisy linear relation: what a pair of real encoders looks like to a linear method. */
    static AnchorSet[] pair(Shape s, long seed) {
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

    static float[][] queries(int count, int dims) {
        Random random = new Random(99);
        float[][] queries = new float[count][];
        for (int i = 0; i < count; i++) {
            queries[i] = TestData.gaussian(1, dims, random);
        }
        return queries;
    }

    static void assertFinite(float[] v, String what) {
        for (int j = 0; j < v.length; j++) {
            assertTrue(Float.isFinite(v[j]), what + ": non-finite value at [" + j + "]: " + v[j]);
        }
    }

    static void assertMessage(IllegalArgumentException e, String fragment) {
        assertTrue(e.getMessage().contains(fragment), "message [" + e.getMessage() + "] lacks [" + fragment + "]");
    }

    // --- shape -------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void translatesToTheDeclaredShape(Shape shape) {
        Translator t = translator(shape);
        assertEquals(shape.ds(), t.sourceDims());
        assertEquals(targetDims(shape), t.targetDims());
        assertEquals(anchorCount(shape), t.anchorCount());
        assertTrue(t.ramBytesUsed() > 4L * t.sourceDims(), "ram " + t.ramBytesUsed());
        for (float[] q : queries(5, shape.ds())) {
            for (boolean unit : new boolean[] {false, true}) {
                float[] out = t.translate(q, unit);
                assertEquals(targetDims(shape), out.length);
                assertFinite(out, "translation");
            }
        }
    }

    // --- binary round trip -------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void binaryRoundTripIsExact(Shape shape) {
        Translator t = translator(shape);
        Translator decoded = BinaryCodec.decodeTranslator(BinaryCodec.encode(t));
        assertEquals(t, decoded, "binary round trip is exact");
        assertEquals(t.hashCode(), decoded.hashCode());
        assertArrayEquals(BinaryCodec.encode(t), BinaryCodec.encode(decoded), "a decoded translator encodes to the same bytes");
        for (float[] q : queries(3, shape.ds())) {
            assertArrayEquals(t.translate(q, false), decoded.translate(q, false));
            assertArrayEquals(t.translate(q, true), decoded.translate(q, true));
        }
    }

    // --- determinism -------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void theSameAnchorsAndSeedGiveABitIdenticalTranslator(Shape shape) {
        Translator t = translator(shape);
        AnchorSet[] p = pair(shape, 17);
        Translator again = build(p[0], p[1], SEED);
        assertEquals(t, again, "the same seed gives the same translator");
        assertArrayEquals(BinaryCodec.encode(t), BinaryCodec.encode(again), "bit for bit");
        for (float[] q : queries(3, shape.ds())) {
            assertArrayEquals(t.translate(q, false), again.translate(q, false));
        }
    }

    // --- batch equals single -----------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void batchEqualsOneByOneExactly(Shape shape) {
        Translator t = translator(shape);
        float[][] queries = queries(5, shape.ds());
        for (boolean unit : new boolean[] {false, true}) {
            float[][] batch = t.translateAll(queries, unit);
            assertEquals(queries.length, batch.length);
            for (int i = 0; i < queries.length; i++) {
                assertArrayEquals(t.translate(queries[i], unit), batch[i], "the batch form equals one-by-one translation, bit for bit");
            }
        }
    }

    // --- unit length -------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void unitLengthWhenAsked(Shape shape) {
        Translator t = translator(shape);
        for (float[] q : queries(5, shape.ds())) {
            assertEquals(1.0, Vectors.norm(t.translate(q, true)), UNIT_TOLERANCE, "unit length when asked");
            if (alwaysUnitLength()) {
                assertEquals(1.0, Vectors.norm(t.translate(q, false)), UNIT_TOLERANCE, "unit length by contract");
            }
        }
    }

    // --- input validation --------------------------------------------------------------------------------------------

    @Test
    void rejectsAVectorOfTheWrongDimension() {
        Translator t = translator(EXTREMES_SHAPE);
        int d = EXTREMES_SHAPE.ds();
        assertMessage(assertThrows(IllegalArgumentException.class, () -> t.translate(new float[d + 1], true)),
            "[vector] has wrong dimensions: expected [" + d + "] but got [" + (d + 1) + "]");
        float[][] batch = {queries(1, d)[0], new float[d - 1]};
        assertMessage(assertThrows(IllegalArgumentException.class, () -> t.translateAll(batch, true)),
            "[vectors][1]: [vector] has wrong dimensions: expected [" + d + "] but got [" + (d - 1) + "]");
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
    void rejectsANonFiniteValue(float bad) {
        Translator t = translator(EXTREMES_SHAPE);
        float[] q = queries(1, EXTREMES_SHAPE.ds())[0];
        q[3] = bad;
        assertMessage(assertThrows(IllegalArgumentException.class, () -> t.translate(q, false)), "non-finite value at [3]");
    }

    @Test
    void rejectsTheZeroVector() {
        Translator t = translator(EXTREMES_SHAPE);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> t.translate(new float[EXTREMES_SHAPE.ds()], true)),
            "zero vector");
    }

    // --- degenerate anchors ------------------------------------------------------------------------------------------

    /** Either a translator whose outputs are finite, or an IllegalArgumentException that says what is wrong. */
    void assertFiniteOrRefused(Supplier<AnchorSet[]> anchors, String what) {
        AnchorSet[] p = anchors.get();
        Translator t;
        try {
            t = build(p[0], p[1], SEED);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && e.getMessage().isBlank() == false, what + ": refused without a message");
            return;
        }
        for (float[] q : queries(5, p[0].dims())) {
            assertFinite(t.translate(q, false), what);
            assertEquals(1.0, Vectors.norm(t.translate(q, true)), UNIT_TOLERANCE, what);
        }
    }

    @Test
    void rankDeficientAnchorsGiveAFiniteTranslatorOrAClearRefusal() {
        assertFiniteOrRefused(() -> {
            // 120 source anchors in a 3-dimensional subspace of 16 dimensions
            Random random = new Random(4);
            int n = 120, d = 16, r = 3;
            float[] basis = TestData.gaussian(r, d, random), coefficients = TestData.gaussian(n, r, random);
            float[] x = new float[n * d];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < r; k++) {
                    for (int j = 0; j < d; j++) {
                        x[i * d + j] += coefficients[i * r + k] * basis[k * d + j];
                    }
                }
            }
            return new AnchorSet[] {TestData.anchors(x, d), TestData.anchors(TestData.gaussian(n, 12, random), 12)};
        }, "rank-deficient");
    }

    @Test
    void duplicateAnchorsGiveAFiniteTranslatorOrAClearRefusal() {
        assertFiniteOrRefused(() -> {
            // every anchor twice, under two ids
            AnchorSet[] p = pair(new Shape("dup", 60, 16, 12), 5);
            return new AnchorSet[] {twice(p[0]), twice(p[1])};
        }, "duplicates");
    }

    private static AnchorSet twice(AnchorSet a) {
        float[] m = new float[2 * a.matrix().length];
        System.arraycopy(a.matrix(), 0, m, 0, a.matrix().length);
        System.arraycopy(a.matrix(), 0, m, a.matrix().length, a.matrix().length);
        return TestData.anchors(m, a.dims());
    }

    // --- extreme scales ----------------------------------------------------------------------------------------------

    /** The frame a translator enters its source vectors through. */
    static SpaceFrame sourceFrame(Translator t) {
        if (t instanceof SpaceTranslator s) {
            return s.source();
        }
        if (t instanceof RelativeProjection r) {
            return r.frame();
        }
        throw new AssertionError("unknown translator " + t);
    }

    /** {@code v} scaled so that its largest magnitude is {@code max}, computed in double. */
    static float[] scaledTo(float[] v, double max) {
        double largest = 0;
        for (float x : v) {
            largest = Math.max(largest, Math.abs(x));
        }
        float[] out = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            out[j] = (float) (v[j] / largest * max);
        }
        return out;
    }

    /**
     * Queries whose largest component is near the float limit, or in the subnormal range: a unit-length translation is
     * always finite and points where the same direction at an ordinary scale does; a raw one is finite or refused by
     * naming the component.
     */
    @ParameterizedTest
    @ValueSource(doubles = {1e37, 3e38, 1e-38, 1e-44})
    void queriesAtExtremeScalesTranslateFinitelyAndInTheRightDirection(double scale) {
        Translator t = translator(EXTREMES_SHAPE);
        SpaceFrame frame = sourceFrame(t);
        for (float[] q : queries(5, EXTREMES_SHAPE.ds())) {
            float[] extreme = scaledTo(q, scale);
            float[] unit = t.translate(extreme, true);
            assertFinite(unit, "scale " + scale);
            assertEquals(1.0, Vectors.norm(unit), UNIT_TOLERANCE);
            // the reference: the direction an extreme query enters as, at an ordinary scale. Huge: the query's own
            // direction (the mean is negligible), so the query at 1e30. Tiny: the query is negligible next to the mean,
            // so the query enters as minus the mean's direction, as -mean itself does (entering as -2 mean).
            float[] reference;
            if (scale > 1) {
                reference = scaledTo(q, 1e30);
            } else {
                reference = frame.mean().clone();
                for (int j = 0; j < reference.length; j++) {
                    reference[j] = -reference[j];
                }
            }
            float[] expected = t.translate(reference, true);
            assertTrue(TestData.maxAbsDiff(unit, expected) < DIRECTION_TOLERANCE,
                "scale " + scale + ": max diff " + TestData.maxAbsDiff(unit, expected));
            try {
                assertFinite(t.translate(extreme, false), "scale " + scale);
            } catch (IllegalArgumentException e) {
                assertMessage(e, "beyond the float32 range at [");
            }
        }
    }

    /**
     * Anchors scaled far up, far down, or both at once: the statistics stay finite, and the translator is finite or
     * refused with a message. Scaled up or down as a whole, it translates like the unscaled one (unit outputs).
     */
    @ParameterizedTest
    @ValueSource(doubles = {1e37, 1e-30, 1e-38})
    void anchorsScaledFarUpOrDownTranslateLikeUnscaledOnes(double scale) {
        AnchorSet[] p = pair(EXTREMES_SHAPE, 17);
        AnchorSet source = TestData.anchors(scaled(p[0].matrix(), scale), p[0].dims());
        AnchorSet target = TestData.anchors(scaled(p[1].matrix(), scale), p[1].dims());
        Translator t = build(source, target, SEED);
        Translator unscaled = translator(EXTREMES_SHAPE);
        double tolerance = scale < 1e-37 ? SUBNORMAL_ANCHOR_TOLERANCE : SCALED_ANCHOR_TOLERANCE;
        for (float[] q : queries(5, EXTREMES_SHAPE.ds())) {
            float[] out = t.translate(scaled(q, scale), true);
            assertFinite(out, "scale " + scale);
            float[] expected = unscaled.translate(q, true);
            assertTrue(TestData.maxAbsDiff(out, expected) < tolerance, "scale " + scale + ": max diff "
                + TestData.maxAbsDiff(out, expected));
        }
    }

    /**
     * Anchors scaled by a power of ten round differently from the unscaled ones, and the fit's choices (lambda, method)
     * see those roundings: translations agree to this, per unit-length component.
     */
    static final double SCALED_ANCHOR_TOLERANCE = 1e-4;
    /**
     * At 1e-38 most anchor components are subnormal floats, with an absolute precision of 1.4e-45: the anchors
     * themselves differ from the unscaled ones by up to about 1e-6 relative, and small components far more.
     */
    static final double SUBNORMAL_ANCHOR_TOLERANCE = 1e-2;

    @Test
    void mixedHugeAndTinyAnchorsGiveAFiniteTranslatorOrAClearRefusal() {
        assertFiniteOrRefused(() -> {
            AnchorSet[] p = pair(EXTREMES_SHAPE, 17);
            return new AnchorSet[] {mixed(p[0]), mixed(p[1])};
        }, "mixed scales");
    }

    /** Even rows scaled to 1e37, odd rows to 1e-38. */
    static AnchorSet mixed(AnchorSet a) {
        int d = a.dims();
        float[] m = a.matrix().clone();
        for (int i = 0; i < a.size(); i++) {
            double s = i % 2 == 0 ? 1e37 : 1e-38;
            for (int j = 0; j < d; j++) {
                m[i * d + j] = (float) (m[i * d + j] * s);
            }
        }
        return TestData.anchors(m, d);
    }

    static float[] scaled(float[] v, double scale) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] * scale);
        }
        return out;
    }
}
