package org.latentbridge.core.anchor;

import org.junit.jupiter.api.Test;
import org.latentbridge.core.TestData;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Statistics and diagnostics against values known in closed form. */
class AnchorDiagnosticsTests {

    @Test
    void statisticsByHand() {
        AnchorSet a = AnchorSet.of(2, List.of("a", "b"), List.of(new float[] {1, 2}, new float[] {3, 2}));
        AnchorStatistics s = AnchorStatistics.of(a);
        assertEquals(2f, s.mean()[0]);
        assertEquals(2f, s.mean()[1]);
        assertEquals(1f, s.std()[0]); // population std of {1, 3}
        assertEquals(1f, s.std()[1], "a constant column is guarded to 1");
        assertEquals(1.0, s.meanCenteredNorm(), 1e-9);
    }

    @Test
    void similarityCompressionByHand() {
        // three unit vectors at 0, 90 and 180 degrees: pairwise cosines 0, -1, 0
        AnchorSet a = AnchorSet.of(2, List.of("a", "b", "c"), List.of(new float[] {1, 0}, new float[] {0, 1}, new float[] {-1, 0}));
        assertEquals(-1.0 / 3, AnchorDiagnostics.similarityCompression(a), 1e-7);
    }

    @Test
    void conditioningOfAKnownSpectrum() {
        // rows +-e1 * 3 and +-e2 * 1: centred singular values 3*sqrt(2) and sqrt(2), condition number 3
        AnchorSet a = AnchorSet.of(2, List.of("a", "b", "c", "d"),
            List.of(new float[] {3, 0}, new float[] {-3, 0}, new float[] {0, 1}, new float[] {0, -1}));
        AnchorDiagnostics d = AnchorDiagnostics.of(a, 1);
        assertEquals(3.0, d.conditionNumber(), 1e-5);
        assertEquals(2, d.numericalRank());
        // entropy of (3/4, 1/4)
        assertEquals(Math.exp(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25))), d.effectiveRank(), 1e-6);
        assertTrue(d.warnings().isEmpty(), d.warnings().toString());
    }

    @Test
    void fewerAnchorsThanDimensionsAndDuplicatesAreWarnedAbout() {
        Random random = new Random(1);
        float[] m = TestData.gaussian(10, 32, random);
        AnchorDiagnostics few = AnchorDiagnostics.of(TestData.anchors(m, 32), 1);
        assertTrue(few.warnings().get(0).startsWith("n < d"), few.warnings().toString());
        assertEquals(9, few.numericalRank(), "centring costs one direction");

        float[] dup = new float[40 * 4];
        float[] base = TestData.gaussian(2, 4, random);
        for (int i = 0; i < 40; i++) {
            System.arraycopy(base, (i % 2) * 4, dup, i * 4, 4);
        }
        AnchorDiagnostics d = AnchorDiagnostics.of(TestData.anchors(dup, 4), 1);
        assertEquals(1, d.numericalRank());
        assertEquals(1.0, d.conditionNumber(), 1e-9, "one direction spanned: perfectly conditioned within it");
        assertTrue(d.warnings().stream().anyMatch(w -> w.startsWith("rank-deficient")), d.warnings().toString());
    }

    @Test
    void mergeAppendsNewIdsAndReplacesKnownOnes() {
        AnchorSet a = AnchorSet.of(2, List.of("a", "b"), List.of(new float[] {1, 0}, new float[] {0, 1}));
        AnchorSet merged = a.merge(AnchorSet.of(2, List.of("b", "c"), List.of(new float[] {5, 5}, new float[] {1, 1})));
        assertEquals(List.of("a", "b", "c"), merged.ids());
        assertEquals(5f, merged.vector(merged.rowOf("b"))[0]);
    }
}
