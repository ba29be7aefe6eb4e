package org.latentbridge.core.translate;

import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.linalg.MatrixKernels;
import org.latentbridge.core.linalg.Vectors;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The relative representation of a vector: its cosines to a model's anchors, taken in the source frame (centred, and
 * standardised when configured), one coordinate per anchor id in lexicographic id order so that every model sharing
 * the ids lands in the same space. Optionally sparsified for {@code sparse_vector} fields: keep the {@code topK}
 * largest cosines, raise the positive ones to {@code exponent}, and re-normalise.
 */
public final class RelativeProjection implements Translator {
    private final SpaceFrame frame;
    private final String[] ids;
    /** Entered, unit-length anchors, one row per id, row-major {@code ids.length x dims}. */
    private final float[] anchors;
    private final Integer topK;
    private final double exponent;

    private RelativeProjection(SpaceFrame frame, String[] ids, float[] anchors, Integer topK, double exponent) {
        this.frame = frame;
        this.ids = ids;
        this.anchors = anchors;
        this.topK = topK;
        this.exponent = exponent;
    }

    /** Dense cosines to every anchor of {@code anchors}, statistics from the same anchors. */
    public static RelativeProjection of(AnchorSet anchors, Preprocessing preprocessing) {
        return of(anchors, SpaceFrame.of(anchors, preprocessing), anchors.ids().stream().sorted().toList(), null, 1);
    }

    /**
     * @param idOrder  the anchor ids that make up the relative space, in order; each must be in {@code anchors}
     * @param topK     keep this many largest coordinates, or {@code null} for a dense vector
     * @param exponent power applied to the kept coordinates (1 leaves them as they are)
     */
    public static RelativeProjection of(AnchorSet anchors, SpaceFrame frame, List<String> idOrder, Integer topK, double exponent) {
        Objects.requireNonNull(idOrder, "idOrder");
        if (idOrder.isEmpty()) {
            throw new IllegalArgumentException("[anchors] a relative space needs at least one anchor id");
        }
        if (topK != null && (topK < 1 || topK > idOrder.size())) {
            throw new IllegalArgumentException("[top_k] must be within [1, " + idOrder.size() + "], got [" + topK + "]");
        }
        if (Double.isFinite(exponent) == false || exponent <= 0) {
            throw new IllegalArgumentException("[exponent] must be positive and finite, got [" + exponent + "]");
        }
        Vectors.checkDimensions("anchors", frame.dims(), anchors.dims());
        int d = anchors.dims();
        float[] rows = new float[idOrder.size() * d];
        for (int i = 0; i < idOrder.size(); i++) {
            int row = anchors.rowOf(idOrder.get(i));
            if (row < 0) {
                throw new IllegalArgumentException("[anchors] has no anchor with id [" + idOrder.get(i) + "]");
            }
            float[] entered = frame.enter(anchors.vector(row));
            Vectors.normalizeInPlace(entered); // cosines, whatever the frame's normalisation setting
            System.arraycopy(entered, 0, rows, i * d, d);
        }
        return new RelativeProjection(frame, idOrder.toArray(String[]::new), rows, topK, exponent);
    }

    @Override
    public float[] translate(float[] vector, boolean unitLength) {
        Vectors.checkInput(vector, frame.dims());
        float[] x = frame.enter(vector);
        Vectors.normalizeInPlace(x);
        float[] r = new float[ids.length];
        MatrixKernels.matrixTimesVector(anchors, ids.length, frame.dims(), x, r);
        if (topK != null) {
            keepTopK(r, topK);
        }
        if (exponent != 1) {
            for (int i = 0; i < r.length; i++) {
                r[i] = (float) Math.copySign(Math.pow(Math.abs(r[i]), exponent), r[i]);
            }
        }
        // relative vectors are unit length by contract, whatever unitLength says
        Vectors.normalizeInPlace(r);
        Vectors.checkFinite("vector", r);
        return r;
    }

    /** Zeroes all but the {@code k} largest values, and any kept value that is not positive. */
    private static void keepTopK(float[] r, int k) {
        float[] sorted = r.clone();
        Arrays.sort(sorted);
        float threshold = sorted[sorted.length - k];
        int kept = 0;
        // ties at the threshold: keep the first ones, so exactly k survive
        int aboveThreshold = 0;
        for (float v : r) {
            if (v > threshold) {
                aboveThreshold++;
            }
        }
        int tiesAllowed = k - aboveThreshold;
        for (int i = 0; i < r.length; i++) {
            boolean keep = r[i] > threshold || (r[i] == threshold && tiesAllowed-- > 0);
            if (keep == false || r[i] <= 0) {
                r[i] = 0;
            } else {
                kept++;
            }
        }
        assert kept <= k;
    }

    /** The anchor ids, in the order of the relative coordinates. */
    public List<String> ids() {
        return List.of(ids);
    }

    public Integer topK() {
        return topK;
    }

    public double exponent() {
        return exponent;
    }

    public SpaceFrame frame() {
        return frame;
    }

    /** The entered, unit-length anchor rows; callers must not modify them. */
    public float[] anchorRows() {
        return anchors;
    }

    /** Rebuilds a projection from its stored parts (the binary form); {@code anchorRows} must be entered, unit rows. */
    public static RelativeProjection fromParts(SpaceFrame frame, String[] ids, float[] anchorRows, Integer topK, double exponent) {
        if (anchorRows.length != ids.length * frame.dims()) {
            throw new IllegalArgumentException("[anchors] must be " + ids.length + "x" + frame.dims() + ", got " + anchorRows.length
                + " values");
        }
        return new RelativeProjection(frame, ids.clone(), anchorRows, topK, exponent);
    }

    @Override
    public Method method() {
        return Method.RELATIVE;
    }

    @Override
    public int sourceDims() {
        return frame.dims();
    }

    @Override
    public int targetDims() {
        return ids.length;
    }

    @Override
    public int anchorCount() {
        return ids.length;
    }

    @Override
    public long ramBytesUsed() {
        long idBytes = 0;
        for (String id : ids) {
            idBytes += 56 + 2L * id.length();
        }
        return 64 + 4L * anchors.length + idBytes + frame.ramBytesUsed();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RelativeProjection p && Arrays.equals(ids, p.ids) && Arrays.equals(anchors, p.anchors)
            && Objects.equals(topK, p.topK) && Double.compare(exponent, p.exponent) == 0 && frame.equals(p.frame);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(ids), topK, exponent);
    }
}
