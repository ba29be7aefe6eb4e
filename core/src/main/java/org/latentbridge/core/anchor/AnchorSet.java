package org.latentbridge.core.anchor;

import org.latentbridge.core.linalg.Vectors;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The anchors of one model in one role: an id per anchor and its vector, stored as one row-major float matrix.
 * Immutable and validated on construction, so every later step may assume finite, non-zero vectors of one dimension
 * and unique ids. Anchors are paired across models by id, never by position.
 */
public final class AnchorSet {
    /** Longest anchor id, in UTF-8 bytes: the limit of an Elasticsearch document id, so any indexed document's id fits. */
    public static final int MAX_ID_BYTES = 512;

    private final String[] ids;
    private final float[] vectors;
    private final int dims;
    private final Map<String, Integer> rowById;

    private AnchorSet(String[] ids, float[] vectors, int dims, Map<String, Integer> rowById) {
        this.ids = ids;
        this.vectors = vectors;
        this.dims = dims;
        this.rowById = rowById;
    }

    /**
     * Validates and copies the anchors. Rejects: no anchors, dimensions below 1, ids and vectors of different counts,
     * null or blank ids, duplicate ids, vectors of another length than {@code dims}, NaN or infinite values, and zero
     * vectors (they have no direction, so no cosine and no place in a relative space).
     */
    public static AnchorSet of(int dims, List<String> ids, List<float[]> vectors) {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(vectors, "vectors");
        if (dims < 1) {
            throw new IllegalArgumentException("[dims] must be at least 1, got [" + dims + "]");
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("[ids] must not be empty: an anchor set needs at least one anchor");
        }
        if (ids.size() != vectors.size()) {
            throw new IllegalArgumentException(
                "[ids] and [vectors] must have the same length, got [" + ids.size() + "] ids and [" + vectors.size() + "] vectors");
        }
        int n = ids.size();
        float[] data = new float[n * dims];
        for (int i = 0; i < n; i++) {
            float[] v = vectors.get(i);
            if (v == null) {
                throw new IllegalArgumentException("[vectors][" + i + "] must not be null");
            }
            System.arraycopy(checkVector(ids.get(i), i, dims, v), 0, data, i * dims, dims);
        }
        return ofRows(dims, ids.toArray(String[]::new), data);
    }

    /** As {@link #of}, for ids and a row-major matrix of {@code ids.length x dims}; both are copied. */
    public static AnchorSet ofMatrix(int dims, String[] ids, float[] matrix) {
        if (dims < 1) {
            throw new IllegalArgumentException("[dims] must be at least 1, got [" + dims + "]");
        }
        if (ids.length == 0) {
            throw new IllegalArgumentException("[ids] must not be empty: an anchor set needs at least one anchor");
        }
        if (matrix.length != ids.length * dims) {
            throw new IllegalArgumentException("[vectors] must hold [" + ids.length + "] vectors of [" + dims
                + "] dimensions, got [" + matrix.length + "] values");
        }
        for (int i = 0; i < ids.length; i++) {
            checkVector(ids[i], i, dims, Arrays.copyOfRange(matrix, i * dims, (i + 1) * dims));
        }
        return ofRows(dims, ids.clone(), matrix.clone());
    }

    private static float[] checkVector(String id, int i, int dims, float[] v) {
        if (v.length != dims) {
            throw new IllegalArgumentException("[vectors][" + i + "] (anchor [" + id + "]) has wrong dimensions: expected ["
                + dims + "] but got [" + v.length + "]");
        }
        Vectors.checkFinite("vectors][" + i, v);
        if (Vectors.norm(v) == 0) {
            throw new IllegalArgumentException("[vectors][" + i + "] (anchor [" + id + "]) is a zero vector");
        }
        return v;
    }

    private static AnchorSet ofRows(int dims, String[] ids, float[] data) {
        Map<String, Integer> rowById = new HashMap<>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) {
            String id = ids[i];
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("[ids][" + i + "] must be a non-blank string");
            }
            if (id.length() > MAX_ID_BYTES / 3 && id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
                throw new IllegalArgumentException("[ids][" + i + "] is longer than [" + MAX_ID_BYTES + "] bytes in UTF-8");
            }
            int lone = loneSurrogate(id);
            if (lone >= 0) {
                throw new IllegalArgumentException("[ids][" + i + "] holds an unpaired UTF-16 surrogate at character [" + lone
                    + "]: it has no UTF-8 form, so it cannot be stored");
            }
            Integer previous = rowById.put(id, i);
            if (previous != null) {
                throw new IllegalArgumentException("[ids] contains the duplicate id [" + id + "] at [" + previous + "] and [" + i + "]");
            }
        }
        return new AnchorSet(ids, data, dims, rowById);
    }

    /** Index of the first surrogate char of {@code s} that is not half of a pair, or -1. */
    static int loneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    public int size() {
        return ids.length;
    }

    public int dims() {
        return dims;
    }

    public String id(int row) {
        return ids[row];
    }

    public List<String> ids() {
        return List.of(ids);
    }

    /** Row of {@code id}, or -1. */
    public int rowOf(String id) {
        Integer row = rowById.get(id);
        return row == null ? -1 : row;
    }

    /** Copy of one anchor's vector. */
    public float[] vector(int row) {
        return Vectors.row(vectors, dims, row);
    }

    /** The row-major matrix itself; callers must not modify it. */
    public float[] matrix() {
        return vectors;
    }

    /**
     * This set with {@code update} applied: anchors with a new id are appended, anchors whose id exists are replaced
     * (same row). Both sets must have the same dimensions.
     */
    public AnchorSet merge(AnchorSet update) {
        Vectors.checkDimensions("anchors", dims, update.dims);
        Map<String, float[]> merged = new LinkedHashMap<>();
        for (int i = 0; i < ids.length; i++) {
            merged.put(ids[i], vector(i));
        }
        for (int i = 0; i < update.size(); i++) {
            merged.put(update.id(i), update.vector(i));
        }
        String[] newIds = merged.keySet().toArray(String[]::new);
        float[] data = new float[newIds.length * dims];
        int row = 0;
        for (float[] v : merged.values()) {
            System.arraycopy(v, 0, data, row++ * dims, dims);
        }
        return ofRows(dims, newIds, data);
    }

    /**
     * The sets applied one after another, later wins: equal to {@code sets[0].merge(sets[1]).merge(sets[2])...} (an id
     * keeps the row of its first appearance and takes the vector of its last), in one pass. A store that appends
     * segments of anchors and records replacements as later rows reads them back through this.
     */
    public static AnchorSet mergeAll(List<AnchorSet> sets) {
        if (sets.isEmpty()) {
            throw new IllegalArgumentException("[sets] must not be empty");
        }
        int dims = sets.get(0).dims;
        int upperBound = 0;
        for (AnchorSet s : sets) {
            Vectors.checkDimensions("anchors", dims, s.dims);
            upperBound += s.size();
        }
        Map<String, Integer> rowById = new HashMap<>(upperBound * 2);
        String[] ids = new String[upperBound];
        float[] data = new float[upperBound * dims];
        int rows = 0;
        for (AnchorSet s : sets) {
            for (int i = 0; i < s.size(); i++) {
                Integer row = rowById.putIfAbsent(s.ids[i], rows);
                int target = row == null ? rows++ : row;
                ids[target] = s.ids[i];
                System.arraycopy(s.vectors, i * dims, data, target * dims, dims);
            }
        }
        if (rows == upperBound) {
            return new AnchorSet(ids, data, dims, rowById);
        }
        return new AnchorSet(Arrays.copyOf(ids, rows), Arrays.copyOf(data, rows * dims), dims, rowById);
    }

    /** Approximate heap bytes held, for caches bounded by size. */
    public long ramBytesUsed() {
        long idBytes = 0;
        for (String id : ids) {
            idBytes += 56 + 2L * id.length();
        }
        return 64 + 4L * vectors.length + idBytes + 48L * ids.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AnchorSet other && dims == other.dims && Arrays.equals(ids, other.ids)
            && Arrays.equals(vectors, other.vectors);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dims + Arrays.hashCode(ids)) + Arrays.hashCode(vectors);
    }

    @Override
    public String toString() {
        return "AnchorSet[size=" + ids.length + ", dims=" + dims + "]";
    }
}
