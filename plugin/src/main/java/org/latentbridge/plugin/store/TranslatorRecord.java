package org.latentbridge.plugin.store;

import org.latentbridge.core.fit.DocumentCorrection;
import org.latentbridge.core.fit.ScoreCalibration;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fitted translator as stored: its key, the fit report the API returns, the anchor generations it was fitted on
 * (to tell when it is stale), its score calibration and document correction, and the binary form of the translator
 * itself, followed by that of the map for documents when there is one.
 *
 * @param uid                unique per write: versions restart after a delete, so caches key decoded translators by this instead
 * @param calibration        the map of translated similarities onto the source's native scale; null for a translator fitted
 *                           before calibrations existed (format version 1)
 * @param documentCorrection how documents translated at index time are translated; null when they take the translator itself
 * @param documentBlobOffset where the document map's binary form starts in {@code blob}; -1 when there is none
 */
public record TranslatorRecord(String source, String sourceRole, String target, String targetRole, long version, String uid,
                               long sourceGeneration, long targetGeneration, Map<String, Object> report, byte[] blob,
                               ScoreCalibration calibration, DocumentCorrection documentCorrection, int documentBlobOffset) {

    /**
     * Layout of the stored translator document. Version 2 adds {@code calibration}, {@code document_correction} and
     * {@code document_blob_offset} to the body; documents without {@code format_version} are version 1.
     */
    static final int FORMAT_VERSION = 2;
    /** What a user can do about a damaged translator. */
    static final String REMEDY = "fit the translator again (PUT /_latent/translator/...), or delete it";

    public TranslatorRecord {
        if (documentBlobOffset < -1 || (documentBlobOffset >= 0 && documentCorrection == null)) {
            throw new IllegalArgumentException("a document map's offset [" + documentBlobOffset + "] needs a document correction");
        }
    }

    /** A translator without calibration or document map, as fitted before they existed. */
    public TranslatorRecord(String source, String sourceRole, String target, String targetRole, long version, String uid,
                            long sourceGeneration, long targetGeneration, Map<String, Object> report, byte[] blob) {
        this(source, sourceRole, target, targetRole, version, uid, sourceGeneration, targetGeneration, report, blob, null, null, -1);
    }

    /** The binary form of the translator: the whole blob, or its part before the document map. */
    public byte[] translatorBlob() {
        return documentBlobOffset < 0 ? blob : Arrays.copyOf(blob, documentBlobOffset);
    }

    /** The binary form of the map for documents; null when there is none. */
    public byte[] documentBlob() {
        return documentBlobOffset < 0 ? null : Arrays.copyOfRange(blob, documentBlobOffset, blob.length);
    }

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
        if (calibration != null) {
            body.put("calibration", calibration.toMap());
        }
        if (documentCorrection != null) {
            body.put("document_correction", documentCorrection.toMap());
            body.put("document_blob_offset", documentBlobOffset);
        }
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
        int format = body.formatVersion(FORMAT_VERSION);
        ScoreCalibration calibration = null;
        DocumentCorrection documents = null;
        int offset = -1;
        if (format >= 2) {
            try {
                calibration = body.has("calibration") ? ScoreCalibration.fromMap(body.rawMap("calibration")) : null;
                documents = body.has("document_correction") ? DocumentCorrection.fromMap(body.rawMap("document_correction")) : null;
            } catch (IllegalArgumentException e) {
                throw body.damaged(e.getMessage(), e);
            }
            offset = documents == null ? -1 : body.intValue("document_blob_offset");
        }
        byte[] blob = source.binary("blob");
        // the metadata tier reads the document without its binary form: an empty blob holds no offset
        if (offset < -1 || (blob.length > 0 && offset > blob.length)) {
            throw body.damaged("[document_blob_offset] [" + offset + "] lies outside the blob of [" + blob.length + "] bytes", null);
        }
        return new TranslatorRecord(source.string("source"), source.string("source_role"), source.string("target"),
            source.string("target_role"), body.longValue("version"), body.string("uid"), body.longValue("source_generation"),
            body.longValue("target_generation"), body.optionalRawMap("report"), blob, calibration, documents, offset);
    }
}
