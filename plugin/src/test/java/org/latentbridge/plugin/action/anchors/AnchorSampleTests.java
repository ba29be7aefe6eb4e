package org.latentbridge.plugin.action.anchors;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The capped import's choice: the same ids for the same seed and documents, whatever the order they are read in. */
class AnchorSampleTests {

    private static List<String> ids(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add("doc-" + i);
        }
        return ids;
    }

    /** Offers {@code ids} in the given order, each with a vector made from {@code tag} so two fields' imports differ. */
    private static List<String> choose(long seed, int cap, List<String> ids, float tag) {
        AnchorSample sample = new AnchorSample(seed, cap);
        for (String id : ids) {
            sample.offer(id, "docs", id, new float[] {tag, id.length()});
        }
        assertEquals(ids.size(), sample.offered());
        return sample.chosen().stream().map(AnchorSample.Candidate::anchorId).toList();
    }

    @Test
    void theChoiceDependsOnTheSeedAndTheIdsNotOnTheOrderOrTheVectors() {
        List<String> ids = ids(300);
        List<String> chosen = choose(42, 100, ids, 1);
        assertEquals(100, chosen.size());
        assertEquals(100, new HashSet<>(chosen).size());
        Random random = new Random(5);
        for (int round = 0; round < 20; round++) {
            List<String> shuffled = new ArrayList<>(ids);
            Collections.shuffle(shuffled, random);
            assertEquals(chosen, choose(42, 100, shuffled, round), "the same ids in the same order, read in any order");
        }
        assertNotEquals(Set.copyOf(chosen), Set.copyOf(choose(43, 100, ids, 1)), "another seed, another sample");
    }

    @Test
    void theChosenAreTheIdsThatRankFirstAndTheVectorsStayWithTheirIds() {
        List<String> ids = ids(50);
        AnchorSample sample = new AnchorSample(9, 10);
        for (String id : ids) {
            sample.offer(id, "docs", "_" + id, new float[] {Integer.parseInt(id.substring(4))});
        }
        List<String> byRank = new ArrayList<>(ids);
        byRank.sort((a, b) -> Long.compare(AnchorSample.rank(9, a), AnchorSample.rank(9, b)));
        List<AnchorSample.Candidate> chosen = sample.chosen();
        assertEquals(byRank.subList(0, 10), chosen.stream().map(AnchorSample.Candidate::anchorId).toList());
        for (AnchorSample.Candidate c : chosen) {
            assertArrayEquals(new float[] {Integer.parseInt(c.anchorId().substring(4))}, c.vector());
            assertEquals("_" + c.anchorId(), c.docId());
        }
    }

    @Test
    void aSmallerCapChoosesAPrefixOfALargerOnesChoice() {
        List<String> ids = ids(200);
        List<String> hundred = choose(7, 100, ids, 0);
        assertEquals(hundred.subList(0, 40), choose(7, 40, ids, 0), "growing the cap keeps the ids already chosen");
        assertEquals(200, choose(7, 1000, ids, 0).size(), "fewer documents than the cap: all of them");
    }

    /** Not a statistical claim: a guard that the hash does not keep, say, the ids that sort first. */
    @Test
    void theChoiceSpreadsOverTheIds() {
        List<String> chosen = choose(1, 100, ids(1000), 0);
        long low = chosen.stream().filter(id -> Integer.parseInt(id.substring(4)) < 500).count();
        assertTrue(low > 25 && low < 75, "chosen from the lower half: " + low);
    }

    @Test
    void equalIdsInTwoIndicesOfAnAliasAreOrderedByIndexThenDocument() {
        AnchorSample forward = new AnchorSample(3, 1), backward = new AnchorSample(3, 1);
        forward.offer("x", "docs-1", "d", new float[] {1});
        forward.offer("x", "docs-2", "d", new float[] {2});
        backward.offer("x", "docs-2", "d", new float[] {2});
        backward.offer("x", "docs-1", "d", new float[] {1});
        assertEquals("docs-1", forward.chosen().get(0).index());
        assertEquals("docs-1", backward.chosen().get(0).index());
    }

    @Test
    void aCapBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AnchorSample(0, 0));
    }
}
