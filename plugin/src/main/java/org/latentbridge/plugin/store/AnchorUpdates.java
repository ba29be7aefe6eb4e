package org.latentbridge.plugin.store;

import org.latentbridge.core.anchor.AnchorSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How an anchor upload changes a role's stored anchors. An append or a replace by id writes only the uploaded rows, as a
 * new segment after the existing ones (the loader reads segments in order with later wins, so a replaced id keeps its
 * row and takes the new vector). When the segments grow many, or replaced rows outnumber the live ones, the upload
 * instead compacts: it writes the whole merged set as one segment and the old segments are deleted after the flip. A
 * role's segments therefore stay at most {@link #MAX_SEGMENTS}, and its stored rows at most twice its anchors plus one
 * upload.
 */
public final class AnchorUpdates {
    /** Segments a role may list before an upload compacts them into one: bounds the documents a load reads. */
    public static final int MAX_SEGMENTS = 32;

    private AnchorUpdates() {}

    /**
     * An upload applied to a role's anchors.
     *
     * @param merged   the role's anchors after the upload, in the order the loader will read them back
     * @param rows     what to write as the new segment: the uploaded rows, or all of {@code merged} when compacting
     * @param compacts whether the new segment replaces every existing one
     * @param added    uploaded ids that were new
     * @param replaced uploaded ids that replaced a stored vector
     */
    public record Plan(AnchorSet merged, AnchorSet rows, boolean compacts, int added, int replaced) {}

    /**
     * Plans {@code update} on top of {@code existing}, the merged anchors that {@code current} lists ({@code null} and
     * {@code null} for a role without anchors).
     */
    public static Plan plan(ModelRecord.RoleAnchors current, AnchorSet existing, AnchorSet update) {
        if (current == null || current.count() == 0 || existing == null) {
            return new Plan(update, update, true, update.size(), 0);
        }
        int replaced = 0;
        for (String id : update.ids()) {
            if (existing.rowOf(id) >= 0) {
                replaced++;
            }
        }
        AnchorSet merged = existing.merge(update);
        boolean compacts = current.segments().size() + 1 > MAX_SEGMENTS || current.storedRows() + update.size() > 2L * merged.size();
        return new Plan(merged, compacts ? merged : update, compacts, update.size() - replaced, replaced);
    }

    /** The role's anchors once the model document lists {@code written}, the segment {@code plan.rows()} was stored as. */
    public static ModelRecord.RoleAnchors flipped(ModelRecord.RoleAnchors current, Plan plan, ModelRecord.Segment written, long generation,
                                                  Map<String, Object> statistics, Map<String, Object> diagnostics) {
        List<ModelRecord.Segment> segments = new ArrayList<>();
        if (plan.compacts() == false) {
            segments.addAll(current.segments());
        }
        segments.add(written);
        return new ModelRecord.RoleAnchors(plan.merged().size(), generation, segments, statistics, diagnostics);
    }

    /** Segments that nothing lists once the model flipped to {@code next}: to delete after the flip. */
    public static List<ModelRecord.Segment> unreferenced(ModelRecord.RoleAnchors previous, ModelRecord.RoleAnchors next) {
        if (previous == null) {
            return List.of();
        }
        return previous.segments().stream().filter(s -> next.segments().contains(s) == false).toList();
    }
}
