package org.latentbridge.plugin.store;

import org.junit.jupiter.api.Test;
import org.latentbridge.core.anchor.AnchorSet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Uploads planned by {@link AnchorUpdates} against an in-memory store of segments: after every flip, reading the listed
 * segments back (as the loader does) gives exactly what one merge after another gives, ids in the same order.
 */
class AnchorUpdatesTests {
    private static final int DIMS = 3;

    /** The segments written so far, by id, as the store would hold them. */
    private final Map<Long, AnchorSet> written = new HashMap<>();
    private long nextSegment = 1;

    private ModelRecord.RoleAnchors apply(ModelRecord.RoleAnchors current, AnchorSet update, List<AnchorUpdates.Plan> plans) {
        AnchorSet existing = current == null ? null : load(current);
        AnchorUpdates.Plan plan = AnchorUpdates.plan(current, existing, update);
        plans.add(plan);
        long id = nextSegment++;
        written.put(id, plan.rows());
        ModelRecord.RoleAnchors next = AnchorUpdates.flipped(current, plan, new ModelRecord.Segment(id, plan.rows().size(), 1), 1000 + id,
            Map.of(), Map.of());
        for (ModelRecord.Segment gone : AnchorUpdates.unreferenced(current, next)) {
            written.remove(gone.id());
        }
        return next;
    }

    private AnchorSet load(ModelRecord.RoleAnchors ra) {
        return AnchorSet.mergeAll(ra.segments().stream().map(s -> written.get(s.id())).toList());
    }

    private static AnchorSet batch(Random random, List<String> ids) {
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            vectors.add(new float[] {(float) random.nextGaussian(), (float) random.nextGaussian(), 1 + random.nextFloat()});
        }
        return AnchorSet.of(DIMS, ids, vectors);
    }

    @Test
    void appendsWriteOnlyWhatTheyAddAndReadBackInUploadOrder() {
        Random random = new Random(3);
        List<AnchorUpdates.Plan> plans = new ArrayList<>();
        ModelRecord.RoleAnchors ra = null;
        AnchorSet expected = null;
        for (int b = 0; b < 10; b++) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ids.add("b" + b + "-" + i);
            }
            AnchorSet update = batch(random, ids);
            ra = apply(ra, update, plans);
            expected = expected == null ? update : expected.merge(update);
            assertEquals(expected, load(ra), "after batch " + b);
            assertEquals(50, plans.get(b).rows().size(), "an append writes its own rows only");
            assertEquals(50, plans.get(b).added());
            assertEquals(0, plans.get(b).replaced());
        }
        assertEquals(10, ra.segments().size());
        assertEquals(500, ra.count());
    }

    @Test
    void aReplaceByIdKeepsTheRowAndTakesTheLaterVector() {
        Random random = new Random(5);
        List<AnchorUpdates.Plan> plans = new ArrayList<>();
        AnchorSet first = batch(random, List.of("a", "b", "c", "d"));
        ModelRecord.RoleAnchors ra = apply(null, first, plans);
        AnchorSet update = batch(random, List.of("c", "e", "a"));
        ra = apply(ra, update, plans);
        AnchorSet read = load(ra);
        assertEquals(List.of("a", "b", "c", "d", "e"), read.ids());
        assertEquals(update.vector(2)[0], read.vector(0)[0]);
        assertEquals(update.vector(0)[0], read.vector(2)[0]);
        assertEquals(first.vector(1)[0], read.vector(1)[0]);
        assertEquals(1, plans.get(1).added());
        assertEquals(2, plans.get(1).replaced());
        assertFalse(plans.get(1).compacts());
        assertEquals(7, ra.storedRows(), "the replaced rows stay stored until a compaction");
    }

    @Test
    void compactsWhenSegmentsPassTheBoundOrReplacedRowsDominate() {
        Random random = new Random(9);
        List<AnchorUpdates.Plan> plans = new ArrayList<>();
        ModelRecord.RoleAnchors ra = null;
        AnchorSet expected = null;
        for (int b = 0; b < AnchorUpdates.MAX_SEGMENTS + 5; b++) {
            AnchorSet update = batch(random, List.of("x" + b, "y" + b));
            ra = apply(ra, update, plans);
            expected = expected == null ? update : expected.merge(update);
            assertTrue(ra.segments().size() <= AnchorUpdates.MAX_SEGMENTS, "segments " + ra.segments().size());
            assertEquals(expected, load(ra));
        }
        assertTrue(plans.get(AnchorUpdates.MAX_SEGMENTS).compacts(), "the upload that would pass the bound compacts");
        assertEquals(written.size(), ra.segments().size(), "compaction leaves no unlisted segment behind");

        // the same ids again and again: replaced rows would outgrow the live ones, so an upload compacts
        ModelRecord.RoleAnchors same = null;
        List<AnchorUpdates.Plan> samePlans = new ArrayList<>();
        AnchorSet sameExpected = null;
        for (int b = 0; b < 6; b++) {
            AnchorSet update = batch(random, List.of("p", "q", "r"));
            same = apply(same, update, samePlans);
            sameExpected = sameExpected == null ? update : sameExpected.merge(update);
            assertEquals(sameExpected, load(same));
            assertTrue(same.storedRows() <= 2L * same.count() + 3, "stored rows " + same.storedRows());
        }
        assertTrue(samePlans.stream().skip(1).anyMatch(AnchorUpdates.Plan::compacts));
    }

    @Test
    void randomUploadsAlwaysReadBackAsSuccessiveMerges() {
        Random random = new Random(11);
        List<AnchorUpdates.Plan> plans = new ArrayList<>();
        ModelRecord.RoleAnchors ra = null;
        AnchorSet expected = null;
        for (int b = 0; b < 80; b++) {
            List<String> ids = new ArrayList<>();
            int n = 1 + random.nextInt(12);
            for (int i = 0; i < n; i++) {
                String id = "id" + random.nextInt(150);
                if (ids.contains(id) == false) {
                    ids.add(id);
                }
            }
            AnchorSet update = batch(random, ids);
            ra = apply(ra, update, plans);
            expected = expected == null ? update : expected.merge(update);
            assertEquals(expected, load(ra), "after upload " + b);
            assertEquals(expected.size(), ra.count());
        }
    }
}
