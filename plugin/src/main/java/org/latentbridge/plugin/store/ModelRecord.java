package org.latentbridge.plugin.store;

import org.latentbridge.plugin.LatentExceptions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A model as stored in the system index: its dimension, roles, version and, per role, where the current anchors are
 * (a generation of chunk documents) with their statistics and diagnostics. The version bumps on every change; a change
 * to the anchors becomes visible only when this document flips to the new generation.
 *
 * @param seqNo       sequence number of the document read, for optimistic concurrency on the next write
 * @param primaryTerm primary term of the document read
 */
public record ModelRecord(String model, int dims, String description, List<String> roles, long version, Map<String, RoleAnchors> anchors,
                          long createdMillis, long seqNo, long primaryTerm) {

    public static final String DOCUMENT_ROLE = "document";
    public static final String QUERY_ROLE = "query";
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");

    /**
     * Where one role's anchors live.
     *
     * @param generation the chunk documents of this generation hold the anchors; drawn at random per write, 0 when none
     */
    public record RoleAnchors(int count, long generation, int chunks, Map<String, Object> statistics, Map<String, Object> diagnostics) {
        Map<String, Object> toSource() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("anchors", count);
            m.put("generation", generation);
            m.put("chunks", chunks);
            m.put("statistics", statistics);
            m.put("diagnostics", diagnostics);
            return m;
        }

        @SuppressWarnings("unchecked")
        static RoleAnchors fromSource(Map<String, Object> m) {
            return new RoleAnchors(((Number) m.get("anchors")).intValue(), ((Number) m.get("generation")).longValue(),
                ((Number) m.get("chunks")).intValue(), (Map<String, Object>) m.get("statistics"), (Map<String, Object>) m.get("diagnostics"));
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

    /** The next version of this record: same document, a changed body, version + 1. */
    public ModelRecord next(String newDescription, List<String> newRoles, Map<String, RoleAnchors> newAnchors) {
        return new ModelRecord(model, dims, newDescription, newRoles, version + 1, newAnchors, createdMillis, seqNo, primaryTerm);
    }

    public ModelRecord withRoleAnchors(String role, RoleAnchors roleAnchors) {
        Map<String, RoleAnchors> m = new LinkedHashMap<>(anchors);
        m.put(role, roleAnchors);
        return next(description, roles, m);
    }

    public Map<String, Object> toSource() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dims", dims);
        body.put("description", description);
        body.put("roles", roles);
        body.put("version", version);
        body.put("created_millis", createdMillis);
        Map<String, Object> a = new LinkedHashMap<>();
        anchors.forEach((role, ra) -> a.put(role, ra.toSource()));
        body.put("anchors", a);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("type", "model");
        doc.put("model", model);
        doc.put("body", body);
        return doc;
    }

    @SuppressWarnings("unchecked")
    public static ModelRecord fromSource(Map<String, Object> doc, long seqNo, long primaryTerm) {
        Map<String, Object> body = (Map<String, Object>) doc.get("body");
        Map<String, RoleAnchors> anchors = new LinkedHashMap<>();
        ((Map<String, Object>) body.getOrDefault("anchors", Map.of())).forEach(
            (role, m) -> anchors.put(role, RoleAnchors.fromSource((Map<String, Object>) m)));
        return new ModelRecord((String) doc.get("model"), ((Number) body.get("dims")).intValue(), (String) body.get("description"),
            new ArrayList<>((List<String>) body.get("roles")), ((Number) body.get("version")).longValue(), anchors,
            ((Number) body.get("created_millis")).longValue(), seqNo, primaryTerm);
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
            r.put(role, rm);
        }
        m.put("roles", r);
        return m;
    }
}
