package org.latentbridge.plugin.search;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.ExceptionsHelper;
import org.elasticsearch.TransportVersion;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.search.vectors.QueryVectorBuilder;
import org.elasticsearch.xcontent.ConstructingObjectParser;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParseException;
import org.elasticsearch.xcontent.XContentParser;
import org.latentbridge.plugin.LatentExceptions;
import org.latentbridge.plugin.compat.LineTransportVersions;
import org.latentbridge.plugin.store.ModelRecord;
import org.latentbridge.plugin.translate.QueryMethod;
import org.latentbridge.plugin.translate.TranslateSpec;
import org.latentbridge.plugin.translate.Translation;
import org.latentbridge.plugin.translate.TranslationService;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import static org.elasticsearch.xcontent.ConstructingObjectParser.constructorArg;
import static org.elasticsearch.xcontent.ConstructingObjectParser.optionalConstructorArg;

/**
 * {@code latent_translation}, a {@code query_vector_builder} for the {@code knn} search section and the {@code knn}
 * query: translates a vector of {@code model} into {@code target_model}'s space with the stored translator. A
 * vector builder never sees the field it feeds, so the target model is named here, not read from a mapping. With
 * {@code target_model} equal to {@code model} the vector is used as it is (unit length unless {@code normalize} is false).
 *
 * <p>The vector is either given ({@code vector}) or built by another registered query vector builder nested under
 * {@code query_vector_builder}, parsed by name as {@code knn} parses its own: {@code lookup} of a stored vector,
 * {@code text_embedding} through an inference endpoint, or any plugin's. That builder runs first, and what it returns
 * is translated. A nested {@code latent_translation} chains two translations; it must translate into this one's
 * {@code model}.
 */
public final class LatentTranslationQueryVectorBuilder implements QueryVectorBuilder {
    public static final String NAME = "latent_translation";
    public static final ParseField VECTOR_FIELD = new ParseField("vector");
    public static final ParseField QUERY_VECTOR_BUILDER_FIELD = new ParseField("query_vector_builder");

    /** Parses the builder; its context is this node's translation service, which the builder keeps to translate with. */
    @SuppressWarnings("unchecked")
    public static final ConstructingObjectParser<LatentTranslationQueryVectorBuilder, Supplier<TranslationService>> PARSER =
        new ConstructingObjectParser<>(NAME, false, (a, translation) -> new LatentTranslationQueryVectorBuilder(
            a[0] == null ? null : toArray((List<Float>) a[0]), (QueryVectorBuilder) a[1], (String) a[2], (String) a[3], (String) a[4],
            (Boolean) a[5], translation));

    static {
        PARSER.declareFloatArray(optionalConstructorArg(), VECTOR_FIELD);
        PARSER.declareField(optionalConstructorArg(), LatentTranslationQueryVectorBuilder::parseNested, QUERY_VECTOR_BUILDER_FIELD,
            ObjectParser.ValueType.OBJECT);
        PARSER.declareString(constructorArg(), new ParseField("model"));
        PARSER.declareString(constructorArg(), new ParseField("target_model"));
        PARSER.declareString(optionalConstructorArg(), new ParseField("role"));
        PARSER.declareBoolean(optionalConstructorArg(), new ParseField("normalize"));
    }

    /** The vector to translate, or null when {@link #nested} builds it. */
    private final float[] vector;
    /** The builder whose vector is translated, or null when {@link #vector} is given. */
    private final QueryVectorBuilder nested;
    private final String model;
    private final String targetModel;
    private final String role;
    private final boolean normalize;
    /** This node's translation service, resolved when the vector is built; not part of the builder's value. */
    private final Supplier<TranslationService> translation;

    public LatentTranslationQueryVectorBuilder(float[] vector, String model, String targetModel, String role, Boolean normalize,
                                               Supplier<TranslationService> translation) {
        this(vector, null, model, targetModel, role, normalize, translation);
    }

    /** Exactly one of {@code vector} and {@code nested} is given. */
    public LatentTranslationQueryVectorBuilder(float[] vector, QueryVectorBuilder nested, String model, String targetModel, String role,
                                               Boolean normalize, Supplier<TranslationService> translation) {
        if (vector == null && nested == null) {
            throw LatentExceptions.badRequest("[" + NAME + "] requires one of [" + VECTOR_FIELD.getPreferredName() + "] or ["
                + QUERY_VECTOR_BUILDER_FIELD.getPreferredName() + "]");
        }
        if (vector != null && nested != null) {
            throw LatentExceptions.badRequest("[" + NAME + "] takes either [" + VECTOR_FIELD.getPreferredName() + "] or ["
                + QUERY_VECTOR_BUILDER_FIELD.getPreferredName() + "], not both");
        }
        if (vector != null) {
            if (vector.length == 0) {
                throw LatentExceptions.badRequest("[" + NAME + "] requires a non-empty [vector]");
            }
            LatentKnnQueryBuilder.checkFinite(NAME, vector, "vector");
        }
        if (nested instanceof LatentTranslationQueryVectorBuilder inner && inner.targetModel.equals(model) == false) {
            throw LatentExceptions.badRequest("[" + NAME + "] nested [" + NAME + "] translates into model [" + inner.targetModel
                + "], but this one translates from model [" + model + "]: the nested [target_model] must be the outer [model]");
        }
        this.vector = vector;
        this.nested = nested;
        this.model = Objects.requireNonNull(model);
        this.targetModel = Objects.requireNonNull(targetModel);
        this.role = role == null ? ModelRecord.QUERY_ROLE : role;
        this.normalize = normalize == null || normalize;
        this.translation = Objects.requireNonNull(translation);
    }

    public LatentTranslationQueryVectorBuilder(StreamInput in, Supplier<TranslationService> translation) throws IOException {
        vector = in.readOptionalFloatArray();
        nested = in.readOptionalNamedWriteable(QueryVectorBuilder.class);
        model = in.readString();
        targetModel = in.readString();
        role = in.readString();
        normalize = in.readBoolean();
        this.translation = Objects.requireNonNull(translation);
    }

    /**
     * The one builder under {@code query_vector_builder}, by name through the node's named-XContent registry as
     * Elasticsearch's {@code knn} parses its own; none, or more than one, is refused by name rather than by assertion.
     */
    private static QueryVectorBuilder parseNested(XContentParser p, Supplier<TranslationService> translation) throws IOException {
        String field = "[" + NAME + "] [" + QUERY_VECTOR_BUILDER_FIELD.getPreferredName() + "]";
        if (p.nextToken() != XContentParser.Token.FIELD_NAME) {
            throw new XContentParseException(p.getTokenLocation(), field + " must name one query vector builder, got none");
        }
        String name = p.currentName();
        QueryVectorBuilder nested = p.namedObject(QueryVectorBuilder.class, name, translation);
        if (p.nextToken() != XContentParser.Token.END_OBJECT) {
            throw new XContentParseException(p.getTokenLocation(), field + " must name one query vector builder, got [" + name
                + "] and [" + p.currentName() + "]");
        }
        return nested;
    }

    private static float[] toArray(List<Float> values) {
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        return v;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeOptionalFloatArray(vector);
        out.writeOptionalNamedWriteable(nested);
        out.writeString(model);
        out.writeString(targetModel);
        out.writeString(role);
        out.writeBoolean(normalize);
    }

    private TranslateSpec spec() {
        return new TranslateSpec(model, targetModel, role, QueryMethod.AUTO, normalize, null, 1.0);
    }

    @Override
    public void buildVector(Client client, ActionListener<float[]> listener) {
        if (nested == null) {
            ActionListener.run(listener, l -> new SearchTranslation(translation.get(), spec(), VECTOR_FIELD.getPreferredName(), vector)
                .translateVector(l));
            return;
        }
        ActionListener<float[]> built = new ActionListener<>() {
            @Override
            public void onResponse(float[] v) {
                ActionListener.run(listener, l -> translateNested(v, l));
            }

            @Override
            public void onFailure(Exception e) {
                listener.onFailure(nestedFailed(e));
            }
        };
        ActionListener.run(built, l -> nested.buildVector(client, l));
    }

    /** Translates what the nested builder returned, once {@code model}'s dimension is known. */
    private void translateNested(float[] v, ActionListener<float[]> listener) {
        String from = "[" + NAME + "] nested [" + nested.getWriteableName() + "]";
        if (v == null) {
            throw LatentExceptions.badRequest(from + " returned no vector");
        }
        LatentKnnQueryBuilder.checkFinite(NAME, v, "nested [" + nested.getWriteableName() + "] vector");
        ActionListener<Translation> translated = listener.<Translation>map(t -> t.vectors()[0])
            .delegateResponse((l, e) -> l.onFailure(SearchTranslation.forSearch(e)));
        translation.get().translate(spec(), source -> {
            if (source.dims() != v.length) {
                throw LatentExceptions.badRequest(from + " returned a vector of [" + v.length + "] dimensions, but model [" + model
                    + "] (translated into model [" + targetModel + "]) has [" + source.dims() + "]");
            }
            return new float[][] {v};
        }, translated);
    }

    /**
     * The nested builder's failure, with its status (a missing document stays 404, a bad request 400) and a message that
     * says which builder failed.
     */
    private Exception nestedFailed(Exception e) {
        Throwable cause = ExceptionsHelper.unwrapCause(e);
        return new ElasticsearchStatusException("[" + NAME + "] nested [" + nested.getWriteableName() + "] failed: " + cause.getMessage(),
            ExceptionsHelper.status(e), e);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        if (vector != null) {
            builder.array(VECTOR_FIELD.getPreferredName(), vector);
        } else {
            builder.startObject(QUERY_VECTOR_BUILDER_FIELD.getPreferredName()).field(nested.getWriteableName(), nested).endObject();
        }
        return builder.field("model", model).field("target_model", targetModel).field("role", role).field("normalize", normalize)
            .endObject();
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    /** A node must read the nested builder too. */
    @Override
    public TransportVersion getMinimalSupportedVersion() {
        TransportVersion own = LineTransportVersions.minimumCompatible();
        return nested == null ? own : TransportVersion.max(own, nested.getMinimalSupportedVersion());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatentTranslationQueryVectorBuilder b && Arrays.equals(vector, b.vector) && Objects.equals(nested, b.nested)
            && model.equals(b.model) && targetModel.equals(b.targetModel) && role.equals(b.role) && normalize == b.normalize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(vector), nested, model, targetModel, role, normalize);
    }
}
