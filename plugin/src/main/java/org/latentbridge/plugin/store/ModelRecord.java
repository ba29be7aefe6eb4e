package org.latentbridge.plugin.store;

import org.latentbridge.plugin.LatentExceptions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A model as stored in the system index: its dimension, roles, version and, per role, where the current anchors are
 * (a generation of chunk documents) with their statistics and diagnostics, and where its pool of unpaired vectors is,
 * stored the same way. The version bumps on every change; a change to the anchors or a pool becomes visible only when
 * this document flips to the new generation.
 *
 * @param pools       per role, vectors of this model that pair with nothing (fits from a handful of anchors learn from
 *                    them); empty for a model stored before pools existed
 * @param seqNo       sequence number of the document read, for optimistic concurrency on the next write
 * @param primaryTerm primary term of the document read
 */
public record ModelRecord(String model, int dims, String description, List<String> roles, long version, Map<String, RoleAnchors> anchors,
                          Map<String, RoleAnchors> pools, long createdMillis, long seqNo, long primaryTerm) {

    public static final String DOCUMENT_ROLE = "document";
    public static final String QUERY_ROLE = "query";
    /** Longest model description, in characters. */
    public static final int MAX_DESCRIPTION_CHARS = 1_000;
    /**
     * Layout of the stored model document: 1 (no {@code format_version}) held one generation of chunks per role, 2 holds
     * a list of segments per role.
     */
    static final int FORMAT_VERSION = 2;
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
    /** Field of a stored role entry that holds its count: anchors count anchors, pools count vectors. */
    private static final String ANCHORS_COUNT = "anchors";
    private static final String POOL_COUNT = "vectors";

    /** A model without pools. */
    public ModelRecord(String model, int dims, String description, List<String> roles, long version, Map<String, RoleAnchors> anchors,
                       long createdMillis, long seqNo, long primaryTerm) {
        this(model, dims, description, roles, version, anchors, Map.of(), createdMillis, seqNo, primaryTerm);
    }

    /**
     * Where one role's anchors live: a list of immutable segments of chunk documents, read in order with later wins
     * (an id uploaded again keeps its row and takes the later vector), so an append writes only what it adds.
     *
     * @param count      anchors after the merge of all segments
     * @param generation drawn at random for every change of the anchors and never reused: caches key decoded anchors by
     *                   it, and a translator remembers the generation it was fitted on; 0 when there are no anchors
     * @param segments   in upload order; each segment's rows are one {@link org.latentbridge.core.anchor.AnchorSet}
     */
    public record RoleAnchors(int count, long generation, List<Segment> segments, Map<String, Object> statistics,
                              Map<String, Object> diagnostics) {

        public RoleAnchors {
            segments = List.copyOf(segments);
        }

        /** Chunk documents over all segments. */
        public int chunks() {
            return segments.stream().mapToInt(Segment::chunks).sum();
        }

        /** Rows stored over all segments: the count plus the rows later segments replaced. */
        public long storedRows() {
            return segments.stream().mapToLong(Segment::rows).sum();
        }

        Map<String, Object> toSource(String countField) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(countField, count);
            m.put("generation", generation);
            m.put("chunks", chunks());
            m.put("segments", segments.stream().map(Segment::toSource).toList());
            m.put("statistics", statistics);
            m.put("diagnostics", diagnostics);
            return m;
        }

        static RoleAnchors fromSource(StoredSource m, int formatVersion, String countField) {
            int count = m.nonNegativeInt(countField);
            long generation = m.longValue("generation");
            List<Segment> segments = new ArrayList<>();
            if (formatVersion == 1) {
                // one generation of chunk documents, named by the generation: read it as one segment
                int chunks = m.nonNegativeInt("chunks");
                if (count > 0) {
                    segments.add(new Segment(generation, count, chunks));
                }
            } else {
                for (Object o : m.list("segments")) {
                    if (o instanceof Map<?, ?> == false) {
                        throw m.damaged("[segments] must hold objects, found [" + o + "]", null);
                    }
                    @SuppressWarnings("unchecked")
                    StoredSource s = m.nested((Map<String, Object>) o, "a segment");
                    segments.add(new Segment(s.longValue("id"), s.nonNegativeInt("rows"), s.nonNegativeInt("chunks")));
                }
            }
            if (count > 0 && segments.isEmpty()) {
                throw m.damaged("[" + count + "] " + countField + " but no chunk documents", null);
            }
            return new RoleAnchors(count, generation, segments, m.optionalRawMap("statistics"), m.optionalRawMap("diagnostics"));
        }
    }

    /**
     * Immutable chunk documents holding rows uploaded together, never rewritten.
     *
     * @param id     drawn at random when written; names the chunk documents
     * @param rows   anchors in the segment (some may be replaced by later segments)
     * @param chunks chunk documents of the segment
     */
    public record Segment(long id, int rows, int chunks) {
        Map<String, Object> toSource() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("rows", rows);
            m.put("chunks", chunks);
            return m;
        }
    }

    /** Model and role names: letters, digits, {@code _ . -}, not starting with a symbol (so {@code _relative} stays reserved). */
    public static String checkName(String field, String name) {
        if (name == null || NAME.matcher(name).matches() == false) {
            throw LatentExceptions.badRequest("[" + field + "] must be 1-128 letters, digits, '_', '.' or '-', starting with a letter or "
                + "digit, got [" + name + "]");
        }
        return name;
    }

    /** The role that serves {@code requested}: itself when the model has it, else {@code document} (docs/architecture.md §2). */
    public String resolveRole(String requested) {
        if (roles.contains(requested)) {
            return requested;
        }
        // a single-role model serves the standard roles with its document anchors; any other role name is a mistake
        if ((QUERY_ROLE.equals(requested) || DOCUMENT_ROLE.equals(requested)) && roles.contains(DOCUMENT_ROLE)) {
            return DOCUMENT_ROLE;
        }
        throw LatentExceptions.roleNotFound(model, requested);
    }

    /** Like {@link #resolveRole}, for roles that must exist exactly (anchor uploads). */
    public String requireRole(String role) {
        if (roles.contains(role) == false) {
            throw LatentExceptions.badRequest("[role] latent model [" + model + "] has no role [" + role + "]; its roles are " + roles);
        }
        return role;
    }

    public RoleAnchors anchorsOf(String role) {
        return anchors.get(role);
    }

    /** The role's pool of unpaired vectors; null when it has none. */
    public RoleAnchors poolOf(String role) {
        return pools.get(role);
    }

    /** Whether the role has a pool of at least one vector. */
    public boolean hasPool(String role) {
        RoleAnchors pool = pools.get(role);
        return pool != null && pool.count() > 0;
    }

    /** The next version of this record: same document, a changed body, version + 1; pools of the kept roles stay. */
    public ModelRecord next(String newDescription, List<String> newRoles, Map<String, RoleAnchors> newAnchors) {
        Map<String, RoleAnchors> kept = new LinkedHashMap<>(pools);
        kept.keySet().retainAll(newRoles);
        return new ModelRecord(model, dims, newDescription, newRoles, version + 1, newAnchors, kept, createdMillis, seqNo, primaryTerm);
    }

    public ModelRecord withRoleAnchors(String role, RoleAnchors roleAnchors) {
        Map<String, RoleAnchors> m = new LinkedHashMap<>(anchors);
        m.put(role, roleAnchors);
        return next(description, roles, m);
    }

    /** The next version with the role's pool replaced by {@code pool}, or dropped when it is null. */
    public ModelRecord withRolePool(String role, RoleAnchors pool) {
        Map<String, RoleAnchors> m = new LinkedHashMap<>(pools);
        if (pool == null) {
            m.remove(role);
        } else {
            m.put(role, pool);
        }
        return new ModelRecord(model, dims, description, roles, version + 1, anchors, m, createdMillis, seqNo, primaryTerm);
    }

    /** This record as stored again at {@code newSeqNo} and {@code newPrimaryTerm}. */
    public ModelRecord storedAt(long newSeqNo, long newPrimaryTerm) {
        return new ModelRecord(model, dims, description, roles, version, anchors, pools, createdMillis, newSeqNo, newPrimaryTerm);
    }

    public Map<String, Object> toSource() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(StoredSource.FORMAT_VERSION_FIELD, FORMAT_VERSION);
        body.put("dims", dims);
        body.put("description", description);
        body.put("roles", roles);
        body.put("version", version);
        body.put("created_millis", createdMillis);
        Map<String, Object> a = new LinkedHashMap<>();
        anchors.forEach((role, ra) -> a.put(role, ra.toSource(ANCHORS_COUNT)));
        body.put("anchors", a);
        if (pools.isEmpty() == false) {
            Map<String, Object> p = new LinkedHashMap<>();
            pools.forEach((role, pool) -> p.put(role, pool.toSource(POOL_COUNT)));
            body.put("pools", p);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("type", "model");
        doc.put("model", model);
        doc.put("body", body);
        return doc;
    }

    /**
     * Reads a stored model document, of this layout or of version 1 (written before {@code format_version}); a damaged
     * one is a 500 that names the model.
     */
    public static ModelRecord fromSource(Map<String, Object> doc, long seqNo, long primaryTerm) {
        String named = doc != null && doc.get("model") instanceof String s ? s : "?";
        StoredSource source = new StoredSource(doc, "latent model [" + named + "]",
            "delete the model and create it again, then re-upload its anchors");
        String model = source.string("model");
        StoredSource body = source.object("body");
        int formatVersion = body.formatVersion(FORMAT_VERSION);
        Map<String, RoleAnchors> anchors = roleEntries(body, model, "anchors", ANCHORS_COUNT, formatVersion);
        // written only once a pool exists: a model stored before pools has none
        Map<String, RoleAnchors> pools = roleEntries(body, model, "pools", POOL_COUNT, FORMAT_VERSION);
        int dims = body.intValue("dims");
        if (dims < 1) {
            throw body.damaged("[dims] must be positive, found [" + dims + "]", null);
        }
        return new ModelRecord(model, dims, body.optionalString("description"), body.strings("roles"), body.longValue("version"),
            anchors, pools, body.longValue("created_millis"), seqNo, primaryTerm);
    }

    private static Map<String, RoleAnchors> roleEntries(StoredSource body, String model, String field, String countField,
                                                        int formatVersion) {
        Map<String, RoleAnchors> entries = new LinkedHashMap<>();
        body.optionalRawMap(field).forEach((role, m) -> {
            if (m instanceof Map<?, ?> == false) {
                throw body.damaged("[" + field + "][" + role + "] must be an object", null);
            }
            String what = "anchors".equals(field) ? "anchors" : "pool";
            @SuppressWarnings("unchecked")
            StoredSource roleSource = new StoredSource((Map<String, Object>) m, "latent model [" + model + "] role [" + role + "]"
                + ("anchors".equals(field) ? "" : " pool"), "re-upload the " + what + " of the role");
            entries.put(role, RoleAnchors.fromSource(roleSource, formatVersion, countField));
        });
        return entries;
    }

    /** The API form (GET model). */
    public Map<String, Object> toApi() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("dims", dims);
        m.put("version", version);
        if (description != null) {
            m.put("description", description);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        for (String role : roles) {
            RoleAnchors ra = anchors.get(role);
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("anchors", ra == null ? 0 : ra.count());
            if (ra != null) {
                rm.put("statistics", ra.statistics());
                rm.put("diagnostics", ra.diagnostics());
            }
            RoleAnchors pool = pools.get(role);
            if (pool != null) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("vectors", pool.count());
                pm.put("generation", pool.generation());
                rm.put("pool", pm);
            }
            r.put(role, rm);
        }
        m.put("roles", r);
        return m;
    }
}
