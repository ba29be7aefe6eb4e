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
 * {@code latent_relative}: maps a vector of {@code model} into that model's relative space: its cosines to the model's
 * anchors, one coordinate per anchor id in lexicographic order (a {@code dense_vector} of the anchor count's dimension),
 * or, with {@code top_k}, the largest ones as anchor id to weight for a {@code sparse_vector} field. Models sharing the
 * anchor ids land in the same space.
 */
public final class LatentRelativeProcessor extends LatentVectorProcessor {
    public static final String TYPE = "latent_relative";

    LatentRelativeProcessor(String tag, String description, Fields fields, TranslateSpec spec, Supplier<TranslationService> translation) {
        super(tag, description, fields, spec, translation);
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    void write(IngestDocument document, Translation translation) {
        if (translation.sparse()) {
            document.setFieldValue(targetField, translation.weights().get(0));
        } else {
            document.setFieldValue(targetField, toList(translation.vectors()[0]));
        }
        if (provenanceField != null) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("model", spec.from());
            p.put("space", "relative");
            p.put("role", translation.relative().role());
            p.put("anchors", translation.relative().dims());
            p.put("anchors_generation", translation.relative().anchorGeneration());
            if (spec.topK() != null) {
                p.put("top_k", spec.topK());
                p.put("exponent", spec.exponent());
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
            String model = readName(TYPE, tag, config, "model", null);
            String role = readName(TYPE, tag, config, "role", ModelRecord.DOCUMENT_ROLE);
            Integer topK = ConfigurationUtils.readIntProperty(TYPE, tag, config, "top_k", null);
            if (topK != null && topK < 1) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "top_k", "must be at least 1, got [" + topK + "]");
            }
            Object exp = config.remove("exponent");
            double exponent = exp == null ? 1.0 : exp instanceof Number n ? n.doubleValue() : Double.NaN;
            if (Double.isFinite(exponent) == false || exponent <= 0 || exponent > TranslateSpec.MAX_EXPONENT) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "exponent", "must be a number in (0, "
                    + TranslateSpec.MAX_EXPONENT + "], got [" + exp + "]");
            }
            return new LatentRelativeProcessor(tag, description, fields, new TranslateSpec(model, TranslateSpec.RELATIVE_TARGET, role,
                QueryMethod.AUTO, true, topK, exponent), translation);
        }
    }
}
