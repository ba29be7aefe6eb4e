package org.latentbridge.plugin.ingest;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.ingest.AbstractProcessor;
import org.elasticsearch.ingest.ConfigurationUtils;
import org.elasticsearch.ingest.IngestDocument;
import org.elasticsearch.rest.RestStatus;
import org.latentbridge.plugin.store.ModelRecord;
import org.latentbridge.plugin.translate.TranslateSpec;
import org.latentbridge.plugin.translate.Translation;
import org.latentbridge.plugin.translate.TranslationService;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Base of the ingest processors: reads a vector from a document field, sends it through the node's
 * {@link TranslationService} (asynchronously, through the node cache: an ingest thread never waits on a read) and writes
 * the result, with optional provenance beside it. A failure keeps its cause's status (an unknown model 404, a full pool
 * 429, an unavailable store 503, bad input 400), with the processor and field named in front of its message. Models are
 * looked up per document, not when the pipeline is created, so a pipeline may name a model that does not exist yet: until
 * it does, each document fails with a message naming the model.
 */
abstract class LatentVectorProcessor extends AbstractProcessor {
    /** The options every processor of this family takes, read once from the pipeline definition. */
    record Fields(String field, String targetField, boolean ignoreMissing, String provenanceField) {
        /** Reads {@code field}, {@code target_field} (default: {@code field}), {@code ignore_missing}, {@code provenance_field}. */
        static Fields read(String type, String tag, Map<String, Object> config) {
            String field = ConfigurationUtils.readStringProperty(type, tag, config, "field");
            String target = ConfigurationUtils.readOptionalStringProperty(type, tag, config, "target_field");
            for (String[] option : new String[][] {{"field", field}, {"target_field", target}}) {
                if (option[1] != null && option[1].isBlank()) {
                    throw ConfigurationUtils.newConfigurationException(type, tag, option[0], "must not be blank");
                }
            }
            return new Fields(field, target == null ? field : target, ConfigurationUtils.readBooleanProperty(type, tag, config,
                "ignore_missing", false), ConfigurationUtils.readOptionalStringProperty(type, tag, config, "provenance_field"));
        }
    }

    /** A model or role name option, checked as the REST API checks names, so a pipeline cannot name what can never exist. */
    static String readName(String type, String tag, Map<String, Object> config, String option, String defaultValue) {
        String name = defaultValue == null ? ConfigurationUtils.readStringProperty(type, tag, config, option)
            : ConfigurationUtils.readStringProperty(type, tag, config, option, defaultValue);
        try {
            return ModelRecord.checkName(option, name);
        } catch (IllegalArgumentException e) {
            throw ConfigurationUtils.newConfigurationException(type, tag, option, e.getMessage());
        }
    }

    final String field;
    final String targetField;
    final boolean ignoreMissing;
    final String provenanceField;
    /** What the vector is translated into; fixed by the pipeline definition. */
    final TranslateSpec spec;
    private final Supplier<TranslationService> translation;

    LatentVectorProcessor(String tag, String description, Fields fields, TranslateSpec spec, Supplier<TranslationService> translation) {
        super(tag, description);
        this.translation = translation;
        this.field = fields.field();
        this.targetField = fields.targetField();
        this.ignoreMissing = fields.ignoreMissing();
        this.provenanceField = fields.provenanceField();
        this.spec = spec;
    }

    @Override
    public boolean isAsync() {
        return true;
    }

    /** Writes the translation into the document. */
    abstract void write(IngestDocument document, Translation translation);

    @Override
    public void execute(IngestDocument document, BiConsumer<IngestDocument, Exception> handler) {
        float[] vector;
        try {
            if (document.hasField(field) == false) {
                if (ignoreMissing) {
                    handler.accept(document, null);
                } else {
                    handler.accept(null, new IllegalArgumentException("[" + getType() + "] field [" + field + "] is missing"));
                }
                return;
            }
            vector = readVector(document.getFieldValue(field, Object.class));
        } catch (Exception e) {
            handler.accept(null, e);
            return;
        }
        ActionListener<Translation> written = new ActionListener<>() {
            @Override
            public void onResponse(Translation result) {
                try {
                    write(document, result);
                } catch (Exception e) {
                    handler.accept(null, e);
                    return;
                }
                handler.accept(document, null);
            }

            @Override
            public void onFailure(Exception e) {
                handler.accept(null, namingTheField(e));
            }
        };
        ActionListener.run(written, l -> translation.get().translate(spec, field, new float[][] {vector}, l));
    }

    /**
     * The failure with this processor and field in front of its message, and its status kept: bad input stays an
     * {@link IllegalArgumentException} (400); anything else (404, 429, 503, ...) becomes a status exception of the same status.
     */
    private Exception namingTheField(Exception e) {
        String message = "[" + getType() + "] field [" + field + "]: " + e.getMessage();
        RestStatus status = ExceptionsHelper.status(e);
        return status == RestStatus.BAD_REQUEST
            ? new IllegalArgumentException(message, e)
            : new ElasticsearchStatusException(message, status, e);
    }

    private float[] readVector(Object value) {
        if ((value instanceof List<?>) == false || ((List<?>) value).isEmpty()) {
            throw new IllegalArgumentException("[" + getType() + "] field [" + field + "] must be a non-empty array of numbers, got ["
                + value + "]");
        }
        List<?> list = (List<?>) value;
        float[] v = new float[list.size()];
        for (int i = 0; i < v.length; i++) {
            if (list.get(i) instanceof Number n && Float.isFinite(n.floatValue())) {
                v[i] = n.floatValue();
            } else {
                throw new IllegalArgumentException("[" + getType() + "] field [" + field + "][" + i + "] must be a finite number, got ["
                    + list.get(i) + "]");
            }
        }
        return v;
    }

    static List<Float> toList(float[] v) {
        List<Float> out = new ArrayList<>(v.length);
        for (float f : v) {
            out.add(f);
        }
        return out;
    }
}
