package org.latentbridge.plugin.action.translate;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.core.Nullable;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.latentbridge.plugin.action.StrictXContent;
import org.latentbridge.plugin.store.ModelRecord;
import org.latentbridge.plugin.translate.QueryMethod;
import org.latentbridge.plugin.translate.TranslateSpec;
import org.latentbridge.plugin.translate.Translation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.elasticsearch.action.ValidateActions.addValidationError;

/**
 * {@code POST /_latent/_translate}: vectors of model {@code from} into model {@code to}'s space, or into {@code from}'s
 * relative space with {@code "to": "_relative"}. A read: the name keeps it under {@code cluster:monitor}.
 */
public final class TranslateAction {
    public static final String NAME = "cluster:monitor/latent/translate";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private TranslateAction() {}

    public static final class Request extends ActionRequest {
        private static final ParseField FROM = new ParseField("from");
        private static final ParseField TO = new ParseField("to");
        private static final ParseField VECTORS = new ParseField("vectors");
        private static final ObjectParser<Body, Void> PARSER = new ObjectParser<>("translate", false, Body::new);

        static {
            PARSER.declareString((b, v) -> b.from = v, FROM);
            PARSER.declareString((b, v) -> b.to = v, TO);
            PARSER.declareString((b, v) -> b.role = v, new ParseField("role"));
            PARSER.declareField((b, m) -> b.method = m, p -> QueryMethod.fromApiName(p.text()), new ParseField("method"),
                ObjectParser.ValueType.STRING);
            PARSER.declareBoolean((b, v) -> b.normalize = v, new ParseField("normalize"));
            PARSER.declareField((b, v) -> b.topK = v, StrictXContent::intValue, new ParseField("top_k"), ObjectParser.ValueType.INT);
            PARSER.declareField((b, v) -> b.exponent = v, StrictXContent::doubleValue, new ParseField("exponent"),
                ObjectParser.ValueType.DOUBLE);
            PARSER.declareField((b, v) -> b.vectors = v, Request::vectors, VECTORS, ObjectParser.ValueType.VALUE_ARRAY);
        }

        /** The body's fields as parsed, each at its default until set. */
        private static final class Body {
            String from, to;
            String role = ModelRecord.QUERY_ROLE;
            QueryMethod method = QueryMethod.AUTO;
            boolean normalize;
            Integer topK;
            Double exponent;
            float[][] vectors;
        }

        private final String from;
        private final String to;
        private final String role;
        private final QueryMethod method;
        private final boolean normalize;
        private final Integer topK;
        private final Double exponent;
        private final float[][] vectors;

        /**
         * @param topK     sparsifies a relative output to its largest weights; null for dense output
         * @param exponent the sparsification's exponent; null for the default, 1
         * @param vectors  the inputs, as they are (not copied); their length is checked against the model's dimension later
         */
        public Request(String from, String to, String role, QueryMethod method, boolean normalize, @Nullable Integer topK,
                       @Nullable Double exponent, float[][] vectors) {
            this.from = Objects.requireNonNull(from, "from");
            this.to = Objects.requireNonNull(to, "to");
            this.role = Objects.requireNonNull(role, "role");
            this.method = Objects.requireNonNull(method, "method");
            this.normalize = normalize;
            this.topK = topK;
            this.exponent = exponent;
            this.vectors = Objects.requireNonNull(vectors, "vectors");
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            from = in.readString();
            to = in.readString();
            role = in.readString();
            method = in.readEnum(QueryMethod.class);
            normalize = in.readBoolean();
            topK = in.readOptionalInt();
            exponent = in.readOptionalDouble();
            vectors = in.readArray(StreamInput::readFloatArray, float[][]::new);
        }

        /**
         * The request a body asks for. A missing {@code from}, {@code to} or {@code vectors} is refused here, as a
         * required field of a {@code ConstructingObjectParser} would be; everything else is {@link #validate}'s.
         */
        public static Request parse(XContentParser parser) {
            Body b = PARSER.apply(parser, null);
            required(FROM, b.from);
            required(TO, b.to);
            required(VECTORS, b.vectors);
            return new Request(b.from, b.to, b.role, b.method, b.normalize, b.topK, b.exponent, b.vectors);
        }

        private static void required(ParseField field, Object value) {
            if (value == null) {
                throw new IllegalArgumentException("[" + field.getPreferredName() + "] is required");
            }
        }

        /** Vectors, each read by {@link StrictXContent#vector} straight into a {@code float[]}; an error names the position. */
        private static float[][] vectors(XContentParser p) throws IOException {
            if (p.currentToken() != XContentParser.Token.START_ARRAY) {
                throw new IllegalArgumentException("must be an array of vectors, got [" + p.currentToken() + "]");
            }
            List<float[]> out = new ArrayList<>();
            while (p.nextToken() != XContentParser.Token.END_ARRAY) {
                try {
                    out.add(StrictXContent.vector(p));
                } catch (IllegalArgumentException e) {
                    String why = e.getMessage();
                    throw new IllegalArgumentException("[" + out.size() + "]" + (why.startsWith("[") ? "" : " ") + why, e);
                }
            }
            return out.toArray(float[][]::new);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(from);
            out.writeString(to);
            out.writeString(role);
            out.writeEnum(method);
            out.writeBoolean(normalize);
            out.writeOptionalInt(topK);
            out.writeOptionalDouble(exponent);
            out.writeArray(StreamOutput::writeFloatArray, vectors);
        }

        /**
         * What can be checked without the models: names present, {@code top_k} and {@code exponent} only into a relative
         * space, and their ranges. The vectors' count (a node setting) and dimension (the model's) are the transport
         * action's, after the source model is read, so that an unknown model answers 404 whatever the vectors.
         */
        @Override
        public ActionRequestValidationException validate() {
            ActionRequestValidationException e = null;
            if (from.isBlank()) {
                e = addValidationError("[from] is required", e);
            }
            if (to.isBlank()) {
                e = addValidationError("[to] is required", e);
            }
            if (TranslateSpec.RELATIVE_TARGET.equals(to) == false && (topK != null || exponent != null)) {
                e = addValidationError("[top_k] and [exponent] sparsify relative vectors: they apply only with [to: "
                    + TranslateSpec.RELATIVE_TARGET + "]", e);
            } else {
                try {
                    spec();
                } catch (IllegalArgumentException invalid) {
                    e = addValidationError(invalid.getMessage(), e);
                }
            }
            return e;
        }

        /** What to translate into, for the {@code TranslationService}; it checks {@code top_k} and {@code exponent}'s ranges. */
        public TranslateSpec spec() {
            return new TranslateSpec(from, to, role, method, normalize, topK, exponent == null ? 1.0 : exponent);
        }

        public String from() {
            return from;
        }

        public String to() {
            return to;
        }

        public String role() {
            return role;
        }

        public QueryMethod method() {
            return method;
        }

        public boolean normalize() {
            return normalize;
        }

        @Nullable
        public Integer topK() {
            return topK;
        }

        @Nullable
        public Double exponent() {
            return exponent;
        }

        /** The vectors themselves, not a copy. */
        public float[][] vectors() {
            return vectors;
        }

        @Override
        public String getDescription() {
            return "latent translate [" + from + "] -> [" + to + "], [" + vectors.length + "] vectors";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && from.equals(r.from) && to.equals(r.to) && role.equals(r.role) && method == r.method
                && normalize == r.normalize && Objects.equals(topK, r.topK) && Objects.equals(exponent, r.exponent)
                && Arrays.deepEquals(vectors, r.vectors);
        }

        @Override
        public int hashCode() {
            return Objects.hash(from, to, role, method, normalize, topK, exponent, Arrays.deepHashCode(vectors));
        }
    }

    /**
     * The translation: into a model, its {@code method} (and the stored translator's version and staleness when one
     * served it); into a relative space, that space's role, anchor count and anchor generation. Then {@code vectors}, or
     * {@code weights} when {@code top_k} asked for sparse output.
     */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final Translation translation;

        public Response(Translation translation) {
            this.translation = Objects.requireNonNull(translation);
        }

        public Response(StreamInput in) throws IOException {
            float[][] vectors = in.readOptionalArray(StreamInput::readFloatArray, float[][]::new);
            List<Map<String, Float>> weights = in.readOptionalCollectionAsList(i -> i.readOrderedMap(StreamInput::readString,
                StreamInput::readFloat));
            String method = in.readString();
            Long translatorVersion = in.readOptionalLong();
            boolean stale = in.readBoolean();
            Translation.RelativeSpace relative = in.readBoolean()
                ? new Translation.RelativeSpace(in.readString(), in.readVInt(), in.readLong()) : null;
            translation = new Translation(vectors, weights, method, translatorVersion, stale, relative);
        }

        public Translation translation() {
            return translation;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeOptionalArray(StreamOutput::writeFloatArray, translation.vectors());
            out.writeOptionalCollection(translation.weights(), (o, w) -> o.writeMap(w, StreamOutput::writeFloat));
            out.writeString(translation.method());
            out.writeOptionalLong(translation.translatorVersion());
            out.writeBoolean(translation.stale());
            Translation.RelativeSpace relative = translation.relative();
            out.writeBoolean(relative != null);
            if (relative != null) {
                out.writeString(relative.role());
                out.writeVInt(relative.dims());
                out.writeLong(relative.anchorGeneration());
            }
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject();
            Translation.RelativeSpace relative = translation.relative();
            if (relative != null) {
                builder.field("to", TranslateSpec.RELATIVE_TARGET);
                builder.field("role", relative.role());
                builder.field("dims", relative.dims());
                builder.field("generation", relative.anchorGeneration());
            } else {
                builder.field("method", translation.method());
                if (translation.translatorVersion() != null) {
                    builder.field("translator_version", translation.translatorVersion());
                    builder.field("stale", translation.stale());
                }
            }
            if (translation.sparse()) {
                builder.startArray("weights");
                for (Map<String, Float> weights : translation.weights()) {
                    builder.startObject();
                    for (Map.Entry<String, Float> w : weights.entrySet()) {
                        builder.field(w.getKey(), w.getValue().floatValue());
                    }
                    builder.endObject();
                }
            } else {
                builder.startArray("vectors");
                for (float[] vector : translation.vectors()) {
                    builder.startArray();
                    for (float v : vector) {
                        builder.value(v);
                    }
                    builder.endArray();
                }
            }
            return builder.endArray().endObject();
        }

        @Override
        public boolean equals(Object o) {
            if (o instanceof Response == false) {
                return false;
            }
            Translation a = translation, b = ((Response) o).translation;
            return Arrays.deepEquals(a.vectors(), b.vectors()) && Objects.equals(a.weights(), b.weights()) && a.method().equals(b.method())
                && Objects.equals(a.translatorVersion(), b.translatorVersion()) && a.stale() == b.stale()
                && Objects.equals(a.relative(), b.relative());
        }

        @Override
        public int hashCode() {
            Translation t = translation;
            return Objects.hash(Arrays.deepHashCode(t.vectors()), t.weights(), t.method(), t.translatorVersion(), t.stale(), t.relative());
        }
    }
}
