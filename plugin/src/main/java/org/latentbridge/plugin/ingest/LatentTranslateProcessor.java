package org.latentbridge.plugin.ingest;

import org.elasticsearch.cluster.metadata.ProjectId;
import org.elasticsearch.ingest.ConfigurationUtils;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.ingest.Processor;
import org.latentbridge.plugin.action.LatentResponse;
import org.latentbridge.plugin.action.TranslatorActions;
import org.latentbridge.plugin.store.ModelRecord;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code latent_translate}: translates a vector of model {@code from} into model {@code to}'s space with the stored
 * translator ({@code method: auto}) or an inverse relative projection ({@code method: inverse_relative}).
 */
public final class LatentTranslateProcessor extends LatentVectorProcessor {
    public static final String TYPE = "latent_translate";

    private final String from, to, role, method;
    private final boolean normalize;

    LatentTranslateProcessor(String tag, String description, String field, String targetField, boolean ignoreMissing,
                             String provenanceField, String from, String to, String role, String method, boolean normalize) {
        super(tag, description, field, targetField, ignoreMissing, provenanceField);
        this.from = from;
        this.to = to;
        this.role = role;
        this.method = method;
        this.normalize = normalize;
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    TranslatorActions.TranslateSpec spec() {
        return new TranslatorActions.TranslateSpec(from, to, role, method, normalize, null, 1.0);
    }

    @Override
    void write(IngestDocument document, LatentResponse response) {
        document.setFieldValue(targetField, toList(((float[][]) response.body().get("vectors"))[0]));
        if (provenanceField != null) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("model", to);
            p.put("source_model", from);
            p.put("method", response.body().get("method"));
            if (response.body().containsKey("translator_version")) {
                p.put("translator_version", response.body().get("translator_version"));
            }
            document.setFieldValue(provenanceField, p);
        }
    }

    public static final class Factory implements Processor.Factory {
        @Override
        public Processor create(Map<String, Processor.Factory> factories, String tag, String description, Map<String, Object> config,
                                ProjectId projectId) {
            String field = ConfigurationUtils.readStringProperty(TYPE, tag, config, "field");
            String from = ConfigurationUtils.readStringProperty(TYPE, tag, config, "from");
            String to = ConfigurationUtils.readStringProperty(TYPE, tag, config, "to");
            String targetField = ConfigurationUtils.readOptionalStringProperty(TYPE, tag, config, "target_field");
            String role = ConfigurationUtils.readStringProperty(TYPE, tag, config, "role", ModelRecord.DOCUMENT_ROLE);
            String method = ConfigurationUtils.readStringProperty(TYPE, tag, config, "method", "auto");
            if (method.equals("auto") == false && method.equals("inverse_relative") == false) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "method", "must be [auto] or [inverse_relative], got [" + method
                    + "]");
            }
            boolean ignoreMissing = ConfigurationUtils.readBooleanProperty(TYPE, tag, config, "ignore_missing", false);
            boolean normalize = ConfigurationUtils.readBooleanProperty(TYPE, tag, config, "normalize", false);
            String provenance = ConfigurationUtils.readOptionalStringProperty(TYPE, tag, config, "provenance_field");
            return new LatentTranslateProcessor(tag, description, field, targetField, ignoreMissing, provenance, from, to, role,
                method, normalize);
        }
    }
}
