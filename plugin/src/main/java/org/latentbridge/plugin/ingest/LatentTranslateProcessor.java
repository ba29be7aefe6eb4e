package org.latentbridge.plugin.ingest;

import org.elasticsearch.ingest.ConfigurationUtils;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.ingest.Processor;
import org.latentbridge.plugin.compat.LineProcessorFactory;
import org.latentbridge.plugin.store.ModelRecord;
import org.latentbridge.plugin.translate.QueryMethod;
import org.latentbridge.plugin.translate.TranslateSpec;
import org.latentbridge.plugin.translate.Translation;
import org.latentbridge.plugin.translate.TranslationService;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code latent_translate}: translates a vector of model {@code from} into model {@code to}'s space with the stored
 * translator ({@code method: auto}) or an inverse relative projection ({@code method: inverse_relative}). With
 * {@code from} equal to {@code to} the vector is written unchanged (unit length with {@code normalize}). With
 * {@code calibrate} (the default) a stored translator's document map serves, fitted so that translated documents compete
 * with native documents of the target field; {@code calibrate: false} translates documents as queries are.
 */
public final class LatentTranslateProcessor extends LatentVectorProcessor {
    public static final String TYPE = "latent_translate";

    LatentTranslateProcessor(String tag, String description, Fields fields, TranslateSpec spec, Supplier<TranslationService> translation) {
        super(tag, description, fields, spec, translation);
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    void write(IngestDocument document, Translation translation) {
        document.setFieldValue(targetField, toList(translation.vectors()[0]));
        if (provenanceField != null) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("model", spec.to());
            p.put("source_model", spec.from());
            p.put("method", translation.method());
            if (translation.translatorVersion() != null) {
                p.put("translator_version", translation.translatorVersion());
            }
            document.setFieldValue(provenanceField, p);
        }
    }

    public static final class Factory extends LineProcessorFactory {
        private final Supplier<TranslationService> translation;

        public Factory(Supplier<TranslationService> translation) {
            this.translation = translation;
        }

        @Override
        protected Processor createProcessor(Map<String, Processor.Factory> factories, String tag, String description,
                                            Map<String, Object> config) {
            Fields fields = Fields.read(TYPE, tag, config);
            String from = readName(TYPE, tag, config, "from", null);
            String to = readName(TYPE, tag, config, "to", null);
            String role = readName(TYPE, tag, config, "role", ModelRecord.DOCUMENT_ROLE);
            String methodName = ConfigurationUtils.readStringProperty(TYPE, tag, config, "method", QueryMethod.AUTO.apiName());
            QueryMethod method;
            try {
                method = QueryMethod.fromApiName(methodName);
            } catch (IllegalArgumentException e) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "method", QueryMethod.refusal(methodName));
            }
            boolean normalize = ConfigurationUtils.readBooleanProperty(TYPE, tag, config, "normalize", false);
            boolean calibrate = ConfigurationUtils.readBooleanProperty(TYPE, tag, config, "calibrate", true);
            return new LatentTranslateProcessor(tag, description, fields,
                new TranslateSpec(from, to, role, method, normalize, null, 1.0).withDocuments(calibrate), translation);
        }
    }
}
