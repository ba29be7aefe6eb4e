package org.latentbridge.core.translate;

import org.junit.jupiter.api.Test;
import org.latentbridge.core.TestData;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.linalg.Vectors;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RelativeProjectionTests {

    @Test
    void coordinatesFollowLexicographicIdOrder() {
        AnchorSet a = AnchorSet.of(2, List.of("z", "a", "m"), List.of(new float[] {1, 0}, new float[] {0, 1}, new float[] {-1, -1}));
        RelativeProjection p = RelativeProjection.of(a, new Preprocessing(false, false, true, 1));
        assertEquals(List.of("a", "m", "z"), p.ids());
        float[] r = p.translate(new float[] {0, 2}, true);
        // uncentred cosines to a=(0,1), m=(-1,-1), z=(1,0): 1, -0.707, 0, then unit length
        double n = Math.sqrt(1 + 0.5);
        assertEquals(1 / n, r[0], 1e-6);
        assertEquals(-Math.sqrt(0.5) / n, r[1], 1e-6);
        assertEquals(0, r[2], 1e-6);
    }

    @Test
    void sparseTopKKeepsTheLargestPositiveCosinesRaisedToTheExponent() {
        Random random = new Random(3);
        AnchorSet a = TestData.anchors(TestData.gaussian(40, 8, random), 8);
        SpaceFrame frame = SpaceFrame.of(a, Preprocessing.DEFAULT);
        List<String> order = a.ids().stream().sorted().toList();
        RelativeProjection dense = RelativeProjection.of(a, frame, order, null, 1);
        RelativeProjection sparse = RelativeProjection.of(a, frame, order, 5, 2);
        float[] q = TestData.gaussian(1, 8, random);
        float[] d = dense.translate(q, true), s = sparse.translate(q, true);
        long nonZero = 0;
        for (int i = 0; i < s.length; i++) {
            if (s[i] != 0) {
                nonZero++;
                assertTrue(s[i] > 0);
                assertTrue(d[i] > 0);
            }
        }
        assertTrue(nonZero <= 5 && nonZero >= 1);
        assertEquals(1.0, Vectors.norm(s), 1e-6);
        // the kept coordinates are the 5 largest dense ones, squared then normalised
        float[] sorted = d.clone();
        Arrays.sort(sorted);
        double sumSq = 0;
        for (int i = sorted.length - 5; i < sorted.length; i++) {
            if (sorted[i] > 0) {
                sumSq += Math.pow(sorted[i], 4);
            }
        }
        int best = 0;
        for (int i = 1; i < d.length; i++) {
            if (d[i] > d[best]) {
                best = i;
            }
        }
        assertEquals(d[best] * d[best] / Math.sqrt(sumSq), s[best], 1e-5);
    }

    @Test
    void badParametersAreRefused() {
        Random random = new Random(4);
        AnchorSet a = TestData.anchors(TestData.gaussian(10, 3, random), 3);
        SpaceFrame f = SpaceFrame.of(a, Preprocessing.DEFAULT);
        assertThrows(IllegalArgumentException.class, () -> RelativeProjection.of(a, f, a.ids(), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> RelativeProjection.of(a, f, a.ids(), 11, 1));
        assertThrows(IllegalArgumentException.class, () -> RelativeProjection.of(a, f, a.ids(), null, 0));
        assertThrows(IllegalArgumentException.class, () -> RelativeProjection.of(a, f, List.of("missing"), null, 1));
        RelativeProjection p = RelativeProjection.of(a, Preprocessing.DEFAULT);
        assertThrows(IllegalArgumentException.class, () -> p.translate(new float[] {1, Float.NaN, 0}, true));
    }
}
