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

    public String key() {
        return key(source, sourceRole, target, targetRole);
    }

    public static String key(String source, String sourceRole, String target, String targetRole) {
        return source + "/" + sourceRole + "->" + target + "/" + targetRole;
    }

    public Map<String, Object> toSource() {
        Map<String, Object> body = new LinkedHashMap<>();
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

    @SuppressWarnings("unchecked")
    public static TranslatorRecord fromSource(Map<String, Object> doc) {
        Map<String, Object> body = (Map<String, Object>) doc.get("body");
        Object blob = doc.get("blob");
        byte[] bytes = blob instanceof byte[] b ? b : java.util.Base64.getDecoder().decode((String) blob);
        return new TranslatorRecord((String) doc.get("source"), (String) doc.get("source_role"), (String) doc.get("target"),
            (String) doc.get("target_role"), ((Number) body.get("version")).longValue(), (String) body.get("uid"),
            ((Number) body.get("source_generation")).longValue(),
            ((Number) body.get("target_generation")).longValue(), (Map<String, Object>) body.get("report"), bytes);
    }
}
