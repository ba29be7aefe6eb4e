package org.latentbridge.plugin.ingest;

import org.elasticsearch.ingest.ConfigurationUtils;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.ingest.Processor;
import org.latentbridge.plugin.action.LatentResponse;
import org.latentbridge.plugin.action.TranslatorActions;
import org.latentbridge.plugin.compat.LineProcessorFactory;
import org.latentbridge.plugin.store.ModelRecord;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code latent_relative}: maps a vector of {@code model} into that model's relative space: its cosines to the model's
 * anchors, one coordinate per anchor id in lexicographic order (a {@code dense_vector} of the anchor count's dimension),
 * or, with {@code top_k}, the largest ones as anchor id to weight for a {@code sparse_vector} field. Models sharing the
 * anchor ids land in the same space.
 */
public final class LatentRelativeProcessor extends LatentVectorProcessor {
    public static final String TYPE = "latent_relative";

    LatentRelativeProcessor(String tag, String description, Fields fields, TranslatorActions.TranslateSpec spec) {
        super(tag, description, fields, spec);
    }

    @Override
    public String getType() {
        return TYPE;
    }

    @Override
    @SuppressWarnings("unchecked")
    void write(IngestDocument document, LatentResponse response) {
        if (spec.topK() == null) {
            document.setFieldValue(targetField, toList(((float[][]) response.body().get("vectors"))[0]));
        } else {
            document.setFieldValue(targetField, ((List<Map<String, Float>>) response.body().get("weights")).get(0));
        }
        if (provenanceField != null) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("model", spec.from());
            p.put("space", "relative");
            p.put("role", response.body().get("role"));
            p.put("anchors", response.body().get("dims"));
            p.put("anchors_generation", response.body().get("generation"));
            if (spec.topK() != null) {
                p.put("top_k", spec.topK());
                p.put("exponent", spec.exponent());
            }
            document.setFieldValue(provenanceField, p);
        }
    }

    public static final class Factory extends LineProcessorFactory {
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
            if (Double.isFinite(exponent) == false || exponent <= 0 || exponent > TranslatorActions.TranslateSpec.MAX_EXPONENT) {
                throw ConfigurationUtils.newConfigurationException(TYPE, tag, "exponent", "must be a number in (0, "
                    + TranslatorActions.TranslateSpec.MAX_EXPONENT + "], got [" + exp + "]");
            }
            return new LatentRelativeProcessor(tag, description, fields, new TranslatorActions.TranslateSpec(model,
                TranslatorActions.RELATIVE_TARGET, role, "auto", true, topK, exponent));
        }
    }
}
