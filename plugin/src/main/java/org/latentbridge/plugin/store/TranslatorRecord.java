package org.latentbridge.plugin.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fitted translator as stored: its key, the fit report the API returns, the anchor generations it was fitted on
 * (to tell when it is stale) and the binary form of the translator itself.
 *
 * @param uid unique per write: versions restart after a delete, so caches key decoded translators by this instead
 */
public record TranslatorRecord(String source, String sourceRole, String target, String targetRole, long version, String uid,
                               long sourceGeneration, long targetGeneration, Map<String, Object> report, byte[] blob) {

    /** Layout of the stored translator document; documents without {@code format_version} are version 1, the same layout. */
    static final int FORMAT_VERSION = 1;
    /** What a user can do about a damaged translator. */
    static final String REMEDY = "fit the translator again (PUT /_latent/translator/...), or delete it";

    public String key() {
        return key(source, sourceRole, target, targetRole);
    }

    public static String key(String source, String sourceRole, String target, String targetRole) {
        return source + "/" + sourceRole + "->" + target + "/" + targetRole;
    }

    public Map<String, Object> toSource() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(StoredSource.FORMAT_VERSION_FIELD, FORMAT_VERSION);
        body.put("version", version);
        body.put("uid", uid);
        body.put("source_generation", sourceGeneration);
        body.put("target_generation", targetGeneration);
        body.put("report", report);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("type", "translator");
        doc.put("source", source);
        doc.put("source_role", sourceRole);
        doc.put("target", target);
        doc.put("target_role", targetRole);
        doc.put("body", body);
        doc.put("blob", blob);
        return doc;
    }

    /** Reads a stored translator document (with or without {@code format_version}); a damaged one is a 500 naming it. */
    public static TranslatorRecord fromSource(Map<String, Object> doc) {
        String named = doc == null ? "?" : key(String.valueOf(doc.get("source")), String.valueOf(doc.get("source_role")),
            String.valueOf(doc.get("target")), String.valueOf(doc.get("target_role")));
        StoredSource source = new StoredSource(doc, "latent translator [" + named + "]", REMEDY);
        StoredSource body = source.object("body");
        body.formatVersion(FORMAT_VERSION);
        return new TranslatorRecord(source.string("source"), source.string("source_role"), source.string("target"),
            source.string("target_role"), body.longValue("version"), body.string("uid"), body.longValue("source_generation"),
            body.longValue("target_generation"), body.optionalRawMap("report"), source.binary("blob"));
    }
}
