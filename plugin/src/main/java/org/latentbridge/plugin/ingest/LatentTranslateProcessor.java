package org.latentbridge.plugin.ingest;

import org.elasticsearch.ingest.ConfigurationUtils;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.ingest.Processor;
import org.latentbridge.plugin.action.LatentResponse;
import org.latentbridge.plugin.action.TranslatorActions;
import org.latentbridge.plugin.compat.LineProcessorFactory;
import org.latentbridge.plugin.store.ModelRecord;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code latent_translate}: translates a vector of model {@code from} into model {@code to}'s space with the stored
 * translator ({@code method: auto}) or an inverse relative projection ({@code method: inverse_relative}).
 */
public final class LatentTranslateProcessor extends LatentVectorProcessor {
    public static final String TYPE = "latent_translate";

    LatentTranslateProcessor(String tag, String description, Fields fields, TranslatorActions.TranslateSpec spec) {
        super(tag, description, fields, spec);
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    void write(IngestDocument document, LatentResponse response) {
        document.setFieldValue(targetField, toList(((float[][]) response.body().get("vectors"))[0]));
        if (provenanceField != null) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("model", spec.to());
            p.put("source_model", spec.from());
            p.put("method", response.body().get("method"));
            if (response.body().containsKey("translator_version")) {
                p.put("translator_version", response.body().get("translator_version"));
            }
            document.setFieldValue(provenanceField, p);
        }
    }

    public static final class Factory extends LineProcessorFactory {
        @Override
        protected Processor createProcessor(Map<String, Processor.Factory> factories, String tag, String description,
                                            Map<String, Object> config) {
            Fields fields = Fields.read(TYPE, tag, config);
            String from = readName(TYPE, tag, config, "from", null);
            String to = readName(TYPE, tag, config, "to", null);
            String role = readName(TYPE, tag, config, "role", ModelRecord.DOCUMENT_ROLE);
            String method = ConfigurationUtils.readStringProperty(TYPE, tag, config, "method", "auto");
            if (method.equals("auto") == false && method.equals("inverse_relative") == false) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "method", "must be [auto] or [inverse_relative], got [" + method
                    + "]");
            }
            boolean normalize = ConfigurationUtils.readBooleanProperty(TYPE, tag, config, "normalize", false);
            return new LatentTranslateProcessor(tag, description, fields, new TranslatorActions.TranslateSpec(from, to, role, method,
                normalize, null, 1.0));
        }
    }
}
