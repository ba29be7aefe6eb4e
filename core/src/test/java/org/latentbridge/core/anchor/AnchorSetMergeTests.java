package org.latentbridge.core.anchor;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Segments of anchors read back as one set: later wins, an id keeps the row of its first appearance. */
class AnchorSetMergeTests {

    @Test
    void laterSegmentReplacesInPlaceAndNewIdsAppendInOrder() {
        AnchorSet first = AnchorSet.of(2, List.of("a", "b", "c"), List.of(new float[] {1, 0}, new float[] {0, 1}, new float[] {1, 1}));
        AnchorSet second = AnchorSet.of(2, List.of("d", "b"), List.of(new float[] {2, 0}, new float[] {0, 2}));
        AnchorSet third = AnchorSet.of(2, List.of("a", "e"), List.of(new float[] {3, 3}, new float[] {4, 0}));
        AnchorSet merged = AnchorSet.mergeAll(List.of(first, second, third));
        assertEquals(List.of("a", "b", "c", "d", "e"), merged.ids());
        assertArrayEquals(new float[] {3, 3}, merged.vector(0), "a: the last segment's vector");
        assertArrayEquals(new float[] {0, 2}, merged.vector(1), "b: replaced by the second segment, kept at its row");
        assertArrayEquals(new float[] {1, 1}, merged.vector(2));
        assertEquals(3, merged.rowOf("d"));
        assertEquals(4, merged.rowOf("e"));
    }

    @Test
    void equalsSuccessiveMergesOnRandomSegments() {
        Random random = new Random(7);
        int dims = 5;
        for (int round = 0; round < 20; round++) {
            List<AnchorSet> segments = new ArrayList<>();
            int segmentCount = 1 + random.nextInt(6);
            for (int s = 0; s < segmentCount; s++) {
                List<String> ids = new ArrayList<>();
                List<float[]> vectors = new ArrayList<>();
                int rows = 1 + random.nextInt(30);
                for (int i = 0; i < rows; i++) {
                    String id = "id" + random.nextInt(60);
                    if (ids.contains(id)) {
                        continue;
                    }
                    float[] v = new float[dims];
                    for (int j = 0; j < dims; j++) {
                        v[j] = (float) random.nextGaussian();
                    }
                    ids.add(id);
                    vectors.add(v);
                }
                segments.add(AnchorSet.of(dims, ids, vectors));
            }
            AnchorSet successive = segments.get(0);
            for (AnchorSet s : segments.subList(1, segments.size())) {
                successive = successive.merge(s);
            }
            AnchorSet merged = AnchorSet.mergeAll(segments);
            assertEquals(successive, merged, "round " + round);
            for (int i = 0; i < merged.size(); i++) {
                assertEquals(i, merged.rowOf(merged.id(i)), "the id index points at the row");
            }
        }
    }

    @Test
    void oneSegmentIsItselfAndNoneIsRefused() {
        AnchorSet only = AnchorSet.of(2, List.of("a", "b"), List.of(new float[] {1, 0}, new float[] {0, 1}));
        assertEquals(only, AnchorSet.mergeAll(List.of(only)));
        assertThrows(IllegalArgumentException.class, () -> AnchorSet.mergeAll(List.of()));
    }

    @Test
    void segmentsOfOtherDimensionsAreRefused() {
        AnchorSet two = AnchorSet.of(2, List.of("a"), List.of(new float[] {1, 0}));
        AnchorSet three = AnchorSet.of(3, List.of("b"), List.of(new float[] {1, 0, 0}));
        assertThrows(IllegalArgumentException.class, () -> AnchorSet.mergeAll(List.of(two, three)));
    }

    @Test
    void idsWithALoneSurrogateAreRefusedAndPairsAccepted() {
        float[] v = {1, 0};
        assertEquals(1, AnchorSet.of(2, List.of("smile \ud83d\ude00"), List.of(v)).size());
        for (String bad : List.of("a\ud800", "\udc00b", "x\ud83d\ud83d\ude00y".substring(0, 2), "\ude00\ud83d")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AnchorSet.of(2, List.of(bad), List.of(v)));
            assertEquals(true, e.getMessage().contains("unpaired UTF-16 surrogate"), e.getMessage());
        }
        assertEquals(1, AnchorSet.loneSurrogate("x\ud83d\ud83d\ude00"));
        assertEquals(-1, AnchorSet.loneSurrogate("plain"));
    }
}
