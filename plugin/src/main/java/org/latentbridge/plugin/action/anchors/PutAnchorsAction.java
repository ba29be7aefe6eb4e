package org.latentbridge.plugin.action.anchors;

import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.core.CheckedFunction;
import org.elasticsearch.core.Nullable;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.latentbridge.plugin.action.StrictXContent;
import org.latentbridge.plugin.store.VectorKind;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code POST|PUT /_latent/model/{model}/_anchors}: appends anchors to a role of a model, or replaces them by id, from
 * the body ({@code ids} and {@code vectors}) or from an index the caller can read ({@code source}).
 */
public final class PutAnchorsAction {
    public static final String NAME = "cluster:admin/latent/anchors/put";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private PutAnchorsAction() {}

    /**
     * Where an import reads its anchors: one index or alias, the field holding each document's vector, and the field
     * holding its anchor id ({@code _id} for the document's own id). A field left out of the body is null here, and the
     * required ones are refused by the request's checks.
     *
     * <p>The optional three serve a refit from the documents re-embedded so far, where each document holds one model's
     * vector in {@code field} and the other's in {@code pairedField}: with a paired field, only documents that have both
     * are read, so that the imports into either model read the same documents; {@code maxAnchors} caps the import, keeping
     * the documents whose anchor ids rank first by a hash of {@code seed} and the id (see {@link AnchorSample}), so that
     * two imports with the same seed, cap and paired field choose the same ids whatever the order the index is read in.
     */
    public record Source(@Nullable String index, @Nullable String field, @Nullable String idField, @Nullable String pairedField,
                         @Nullable Integer maxAnchors, @Nullable Long seed) implements Writeable {
        /** The document's own id as the anchor id, read from the hit rather than its source. */
        public static final String DOCUMENT_ID = "_id";
        /** The cap's field in an anchor import; a pool import names it {@code max_vectors}. */
        static final String MAX_ANCHORS = "max_anchors";
        static final String MAX_VECTORS = "max_vectors";
        private static final ParseField SEED = new ParseField("seed");
        private static final ObjectParser<Source.Builder, Void> PARSER = parser(MAX_ANCHORS);
        private static final ObjectParser<Source.Builder, Void> POOL_PARSER = parser(MAX_VECTORS);

        private static ObjectParser<Source.Builder, Void> parser(String capField) {
            ParseField cap = new ParseField(capField);
            ObjectParser<Source.Builder, Void> parser = new ObjectParser<>("source", false, Source.Builder::new);
            parser.declareString((b, v) -> b.index = v, new ParseField("index"));
            parser.declareString((b, v) -> b.field = v, new ParseField("field"));
            parser.declareString((b, v) -> b.idField = v, new ParseField("id_field"));
            parser.declareString((b, v) -> b.pairedField = v, new ParseField("paired_field"));
            parser.declareField((b, v) -> b.maxAnchors = v, p -> namedNumber(cap, StrictXContent::intValue, p), cap,
                ObjectParser.ValueType.INT);
            parser.declareField((b, v) -> b.seed = v, p -> namedNumber(SEED, StrictXContent::longValue, p), SEED,
                ObjectParser.ValueType.LONG);
            return parser;
        }

        private static final class Builder {
            String index, field, idField, pairedField;
            Integer maxAnchors;
            Long seed;
        }

        /** An import of every document of {@code index}, as before the sampling options existed. */
        public Source(@Nullable String index, @Nullable String field, @Nullable String idField) {
            this(index, field, idField, null, null, null);
        }

        static Source parse(XContentParser parser, String capField) {
            Source.Builder b = (MAX_VECTORS.equals(capField) ? POOL_PARSER : PARSER).apply(parser, null);
            return new Source(b.index, b.field, b.idField, b.pairedField, b.maxAnchors, b.seed);
        }

        private static <T> T namedNumber(ParseField field, CheckedFunction<XContentParser, T, IOException> read, XContentParser p)
            throws IOException {
            try {
                return read.apply(p);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("[source][" + field.getPreferredName() + "] " + e.getMessage(), e);
            }
        }

        public static Source read(StreamInput in) throws IOException {
            return new Source(in.readOptionalString(), in.readOptionalString(), in.readOptionalString(), in.readOptionalString(),
                in.readOptionalInt(), in.readOptionalLong());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeOptionalString(index);
            out.writeOptionalString(field);
            out.writeOptionalString(idField);
            out.writeOptionalString(pairedField);
            out.writeOptionalInt(maxAnchors);
            out.writeOptionalLong(seed);
        }

        /** The seed of a capped import: the one asked for, else 0, so that a cap alone is deterministic too. */
        public long seedOrDefault() {
            return seed == null ? 0L : seed;
        }

        /** What is wrong with it, in the order a caller fixes it; empty when it can be imported from. */
        List<String> problems() {
            return problems(MAX_ANCHORS);
        }

        /** As {@link #problems()}, with the cap under the name {@code capField}. */
        List<String> problems(String capField) {
            List<String> problems = new ArrayList<>();
            if (index == null || index.isBlank()) {
                problems.add("[source][index] is required");
            } else if (isOneIndex(index) == false) {
                problems.add("[source][index] must name one index or alias (no wildcards, lists, date math, exclusions or remote "
                    + "clusters), got [" + index + "]");
            }
            if (field == null || field.isBlank()) {
                problems.add("[source][field] is required");
            }
            if (idField == null || idField.isBlank()) {
                problems.add("[source][id_field] is required");
            }
            if (pairedField != null) {
                if (pairedField.isBlank()) {
                    problems.add("[source][paired_field] must not be blank");
                } else if (pairedField.contains("*")) {
                    // an exists query would expand the pattern: the documents read would depend on which field is imported
                    problems.add("[source][paired_field] must name one field, not a pattern, got [" + pairedField + "]");
                } else if (pairedField.equals(field)) {
                    problems.add("[source][paired_field] must name the field of the other model's vector, not [source][field] again, "
                        + "got [" + pairedField + "] for both");
                }
            }
            if (maxAnchors != null && maxAnchors < 1) {
                problems.add("[source][" + capField + "] must be at least [1], got [" + maxAnchors + "]");
            }
            if (seed != null && maxAnchors == null) {
                problems.add("[source][seed] chooses which documents a capped import takes: it needs [source][" + capField + "]");
            }
            return problems;
        }

        /** One concrete index or alias: a pattern or a list would import from indices the caller did not name. */
        static boolean isOneIndex(String index) {
            return (index.isBlank() || index.contains("*") || index.contains(",") || index.startsWith("-") || index.startsWith("<")
                || index.equals("_all") || index.contains(":")) == false;
        }
    }

    /** The upload: a role, and either {@code ids} with as many {@code vectors}, or a {@code source} to import from. */
    public static final class Request extends VectorUploadRequest {
        /**
         * @param ids     the anchors' ids, with {@code vectors}; null for an import
         * @param vectors the anchors' vectors, as they are (not copied), row {@code i} for {@code ids[i]}; null for an import
         * @param source  the index to import from; null for an upload of {@code ids} and {@code vectors}
         */
        public Request(String model, String role, @Nullable List<String> ids, @Nullable float[][] vectors, @Nullable Source source) {
            super(VectorKind.ANCHORS, model, role, ids, vectors, source);
        }

        /** An upload of {@code ids} and {@code vectors}. */
        public static Request upload(String model, String role, List<String> ids, float[][] vectors) {
            return new Request(model, role, Objects.requireNonNull(ids, "ids"), Objects.requireNonNull(vectors, "vectors"), null);
        }

        /** An import from {@code source}. */
        public static Request importFrom(String model, String role, Source source) {
            return new Request(model, role, null, null, Objects.requireNonNull(source, "source"));
        }

        public Request(StreamInput in) throws IOException {
            super(VectorKind.ANCHORS, in);
        }

        /** The request a body asks for; see {@link VectorUploadRequest#parse} for what is refused and how. */
        public static Request parse(String model, XContentParser parser) {
            return parse(VectorKind.ANCHORS, parser, (role, ids, vectors, source) -> new Request(model, role, ids, vectors, source));
        }
    }

    /**
     * The role's anchors after the upload: the model's new {@code version}, the role's anchor count, how many uploaded ids
     * were new and how many replaced a stored vector, and the diagnostics of the whole set.
     */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final String model;
        private final String role;
        private final long version;
        private final int anchors;
        private final int added;
        private final int replaced;
        private final Map<String, Object> diagnostics;

        public Response(String model, String role, long version, int anchors, int added, int replaced, Map<String, Object> diagnostics) {
            this.model = Objects.requireNonNull(model, "model");
            this.role = Objects.requireNonNull(role, "role");
            this.version = version;
            this.anchors = anchors;
            this.added = added;
            this.replaced = replaced;
            this.diagnostics = Objects.requireNonNull(diagnostics, "diagnostics");
        }

        public Response(StreamInput in) throws IOException {
            model = in.readString();
            role = in.readString();
            version = in.readVLong();
            anchors = in.readVInt();
            added = in.readVInt();
            replaced = in.readVInt();
            diagnostics = in.readGenericMap();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(model);
            out.writeString(role);
            out.writeVLong(version);
            out.writeVInt(anchors);
            out.writeVInt(added);
            out.writeVInt(replaced);
            out.writeGenericMap(diagnostics); // an ordered map keeps its order on the wire
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject()
                .field("model", model)
                .field("role", role)
                .field("version", version)
                .field("anchors", anchors)
                .field("added", added)
                .field("replaced", replaced)
                .field("diagnostics", diagnostics)
                .endObject();
        }

        public String model() {
            return model;
        }

        public String role() {
            return role;
        }

        public long version() {
            return version;
        }

        public int anchors() {
            return anchors;
        }

        public int added() {
            return added;
        }

        public int replaced() {
            return replaced;
        }

        public Map<String, Object> diagnostics() {
            return diagnostics;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && model.equals(r.model) && role.equals(r.role) && version == r.version && anchors == r.anchors
                && added == r.added && replaced == r.replaced && diagnostics.equals(r.diagnostics);
        }

        @Override
        public int hashCode() {
            return Objects.hash(model, role, version, anchors, added, replaced, diagnostics);
        }
    }
}
