package org.latentbridge.plugin.search;

import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.cluster.metadata.MappingMetadata;
import org.latentbridge.plugin.LatentExceptions;

import java.util.Map;

/**
 * Reads a searched field's model from an index's mapping on the coordinating node: the field must be a
 * {@code dense_vector}, and its {@code meta.latent_model} (or the query's {@code field_model}) names the model whose
 * vectors it holds.
 *
 * @param unitLength whether vectors searched against the field must be unit length ({@code cosine}, {@code dot_product})
 * @param relative   whether the field holds relative vectors ({@code meta.latent_space: relative}): the query then gets its
 *                   own model's relative projection, whose coordinates follow the same sorted anchor ids
 */
record FieldModels(String model, int dims, boolean unitLength, boolean relative) {

    static final String META_MODEL = "latent_model";
    /** {@code meta.latent_space: relative} marks a field filled by {@code latent_relative}. */
    static final String META_SPACE = "latent_space";

    /** Parsed field models by index UUID, mapping version, field and override: parsing a mapping per query is not free. */
    private static final Map<String, FieldModels> PARSED = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_PARSED = 10_000;

    static FieldModels of(IndexMetadata index, String field, String fieldModel) {
        String key = index.getIndexUUID() + ":" + index.getMappingVersion() + ":" + field + ":" + fieldModel;
        FieldModels cached = PARSED.get(key);
        if (cached != null) {
            return cached;
        }
        FieldModels parsed = parse(index, field, fieldModel);
        if (PARSED.size() >= MAX_PARSED) {
            PARSED.clear(); // old mapping versions accumulate; starting over is cheap
        }
        PARSED.put(key, parsed);
        return parsed;
    }

    @SuppressWarnings("unchecked")
    private static FieldModels parse(IndexMetadata index, String field, String fieldModel) {
        String indexName = index.getIndex().getName();
        MappingMetadata mapping = index.mapping();
        Map<String, Object> node = mapping == null ? Map.of() : mapping.sourceAsMap();
        if (node.size() == 1 && node.get("_doc") instanceof Map<?, ?> doc) {
            node = (Map<String, Object>) doc;
        }
        for (String part : field.split("\\.")) {
            Object props = node.get("properties");
            Object next = props instanceof Map<?, ?> p ? p.get(part) : null;
            if (next instanceof Map<?, ?> n) {
                node = (Map<String, Object>) n;
            } else {
                throw LatentExceptions.badRequest("[latent_knn] field [" + field + "] does not exist in index [" + indexName + "]");
            }
        }
        Object type = node.get("type");
        if ("dense_vector".equals(type) == false) {
            throw LatentExceptions.badRequest("[latent_knn] field [" + field + "] of index [" + indexName + "] is of type [" + type
                + "], not [dense_vector]");
        }
        String model = fieldModel;
        boolean relative = false;
        if (node.get("meta") instanceof Map<?, ?> meta) {
            if (model == null) {
                model = (String) meta.get(META_MODEL);
            }
            relative = "relative".equals(meta.get(META_SPACE));
        }
        if (model == null) {
            throw LatentExceptions.badRequest("[latent_knn] field [" + field + "] of index [" + indexName + "] names no model: set [meta."
                + META_MODEL + "] in its mapping or pass [field_model]");
        }
        int dims = node.get("dims") instanceof Number n ? n.intValue() : -1;
        Object similarity = node.getOrDefault("similarity", "cosine");
        boolean unit = "cosine".equals(similarity) || "dot_product".equals(similarity);
        return new FieldModels(model, dims, unit, relative);
    }
}
