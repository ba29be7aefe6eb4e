package org.latentbridge.plugin.search;

import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.cluster.metadata.MappingMetadata;
import org.latentbridge.plugin.LatentExceptions;

import java.util.Map;
import java.util.Set;

/**
 * One searched field's model, read from an index's mapping on the coordinating node: the field must be a float
 * {@code dense_vector}, and its {@code meta.latent_model} (or the query's {@code field_model}) names the model whose
 * vectors it holds. The field is found as Elasticsearch finds it: through nested {@code properties}, through dotted
 * names held literally by objects with {@code subobjects: false}, and through a field {@code alias}.
 *
 * @param unitLength whether vectors searched against the field must be unit length ({@code cosine}, {@code dot_product})
 * @param relative   whether the field holds relative vectors ({@code meta.latent_space: relative}): the query then gets its
 *                   own model's relative projection, whose coordinates follow the same sorted anchor ids
 */
record FieldModel(String model, int dims, boolean unitLength, boolean relative) {

    static final String META_MODEL = "latent_model";
    /** {@code meta.latent_space: relative} marks a field filled by {@code latent_relative}. */
    static final String META_SPACE = "latent_space";
    /** Element types that take a float query vector as it is; {@code byte} and {@code bit} fields cannot. */
    private static final Set<String> FLOAT_ELEMENTS = Set.of("float", "bfloat16");

    static FieldModel parse(IndexMetadata index, String field, String fieldModel) {
        return parse(index.getIndex().getName(), index.mapping(), field, fieldModel);
    }

    static FieldModel parse(String indexName, MappingMetadata mapping, String field, String fieldModel) {
        Map<String, Object> node = node(mapping, field);
        if (node == null) {
            throw LatentExceptions.badRequest("[latent_knn] field [" + field + "] does not exist in index [" + indexName + "]");
        }
        checkFloatVector(node, "field [" + field + "]", indexName, "a translated vector is a float vector");
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
        Object similarity = node.get("similarity");
        if (similarity == null && Boolean.FALSE.equals(node.get("index")) == false) {
            // Elasticsearch's default for an indexed float field (a stored mapping normally names it; an unindexed one has none)
            similarity = "cosine";
        }
        boolean unit = "cosine".equals(similarity) || "dot_product".equals(similarity);
        return new FieldModel(model, dims, unit, relative);
    }

    /**
     * The {@code native_field} of a mixed search in one index: null when the index does not map it (it is then searched
     * through the translated field alone); else a float {@code dense_vector} whose {@code model} is its mapping's
     * {@code meta.latent_model}, or null when the mapping names none.
     */
    static FieldModel parseNative(IndexMetadata index, String field) {
        String indexName = index.getIndex().getName();
        Map<String, Object> node = node(index.mapping(), field);
        if (node == null) {
            return null;
        }
        checkFloatVector(node, "[native_field] [" + field + "]", indexName, "the query vector is a float vector");
        String model = node.get("meta") instanceof Map<?, ?> meta && meta.get(META_MODEL) instanceof String m ? m : null;
        int dims = node.get("dims") instanceof Number n ? n.intValue() : -1;
        return new FieldModel(model, dims, false, false);
    }

    /** The mapping of {@code field}, through an {@code alias}; null when the mapping has no such field. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> node(MappingMetadata mapping, String field) {
        Map<String, Object> root = mapping == null ? Map.of() : mapping.sourceAsMap();
        if (root.size() == 1 && root.get("_doc") instanceof Map<?, ?> doc) {
            root = (Map<String, Object>) doc;
        }
        Map<String, Object> node = find(root, field.split("\\.", -1), 0);
        if (node != null && "alias".equals(node.get("type")) && node.get("path") instanceof String path) {
            node = find(root, path.split("\\.", -1), 0);
        }
        return node;
    }

    private static void checkFloatVector(Map<String, Object> node, String what, String indexName, String why) {
        Object type = node.get("type");
        if ("dense_vector".equals(type) == false) {
            throw LatentExceptions.badRequest("[latent_knn] " + what + " of index [" + indexName + "] is of type [" + type
                + "], not [dense_vector]");
        }
        Object elementType = node.getOrDefault("element_type", "float");
        if (FLOAT_ELEMENTS.contains(elementType) == false) {
            throw LatentExceptions.badRequest("[latent_knn] " + what + " of index [" + indexName + "] has [element_type: "
                + elementType + "]: " + why + ", which needs a [float] or [bfloat16] field");
        }
    }

    /**
     * The mapping of the field whose name is {@code parts[from..]} below {@code node}: each object's {@code properties}
     * may hold the next part, or (under {@code subobjects: false}) several parts joined by dots as one literal name.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> find(Map<String, Object> node, String[] parts, int from) {
        Map<?, ?> properties = node.get("properties") instanceof Map<?, ?> p ? p : Map.of();
        StringBuilder name = new StringBuilder();
        for (int to = from; to < parts.length; to++) {
            if (to > from) {
                name.append('.');
            }
            name.append(parts[to]);
            if (properties.get(name.toString()) instanceof Map<?, ?> child) {
                Map<String, Object> found = to == parts.length - 1 ? (Map<String, Object>) child
                    : find((Map<String, Object>) child, parts, to + 1);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
