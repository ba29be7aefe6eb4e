package org.latentbridge.plugin.action.anchors;

import org.elasticsearch.common.hash.MurmurHash3;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A capped import's choice of documents: of all the documents offered, the {@code cap} whose anchor ids rank first by
 * {@link #rank(long, String)}, a 64-bit MurmurHash3 of the id's UTF-8 bytes under the seed. The choice depends on the
 * seed, the cap and the set of documents offered, never on the order they come in (scroll order differs between
 * shards, replicas and runs) nor on the node, so that importing model A's field and model B's field of the same
 * documents with the same seed and cap chooses the same ids. Ties of the hash fall back to the id, then to the index
 * and document id (an alias may span indices), so the order is total.
 *
 * <p>Holds at most {@code cap} vectors: the index is streamed through it. Every document offered has had its vector
 * checked, so that a bad vector fails the import whether or not it would have been chosen.
 */
final class AnchorSample {
    /** A candidate and its place in the order; {@code vector} is already checked. */
    record Candidate(long rank, String anchorId, String index, String docId, float[] vector) {}

    private static final Comparator<Candidate> ORDER = Comparator.comparingLong(Candidate::rank)
        .thenComparing(Candidate::anchorId)
        .thenComparing(Candidate::index)
        .thenComparing(Candidate::docId);

    private final long seed;
    private final int cap;
    /** The kept candidates, the one ranking last at the head, so that it is the one a better candidate evicts. */
    private final PriorityQueue<Candidate> kept;
    private long offered;

    AnchorSample(long seed, int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("a sample's cap must be at least [1], got [" + cap + "]");
        }
        this.seed = seed;
        this.cap = cap;
        this.kept = new PriorityQueue<>(Math.min(cap, 1024) + 1, ORDER.reversed());
    }

    /** The rank of an anchor id under a seed: the same on every JVM and node. */
    static long rank(long seed, String anchorId) {
        byte[] bytes = anchorId.getBytes(StandardCharsets.UTF_8);
        return MurmurHash3.hash128(bytes, 0, bytes.length, seed, new MurmurHash3.Hash128()).h1;
    }

    void offer(String anchorId, String index, String docId, float[] vector) {
        offered++;
        Candidate candidate = new Candidate(rank(seed, anchorId), anchorId, index, docId, vector);
        if (kept.size() < cap) {
            kept.add(candidate);
        } else if (ORDER.compare(candidate, kept.peek()) < 0) {
            kept.poll();
            kept.add(candidate);
        }
    }

    /** How many documents were offered, kept or not. */
    long offered() {
        return offered;
    }

    /** The kept candidates in rank order. */
    List<Candidate> chosen() {
        List<Candidate> chosen = new ArrayList<>(kept);
        chosen.sort(ORDER);
        return chosen;
    }
}
