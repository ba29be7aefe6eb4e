package org.latentbridge.plugin.search;

import org.elasticsearch.TransportVersion;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.search.vectors.QueryVectorBuilder;
import org.elasticsearch.xcontent.ConstructingObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.XContentBuilder;
import org.latentbridge.plugin.LatentExceptions;
import org.latentbridge.plugin.compat.LineTransportVersions;
import org.latentbridge.plugin.store.ModelRecord;
import org.latentbridge.plugin.translate.QueryMethod;
import org.latentbridge.plugin.translate.TranslateSpec;
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
 * query: translates {@code vector} of {@code model} into {@code target_model}'s space with the stored translator. A
 * vector builder never sees the field it feeds, so the target model is named here, not read from a mapping. With
 * {@code target_model} equal to {@code model} the vector is used as it is (unit length unless {@code normalize} is false).
 */
public final class LatentTranslationQueryVectorBuilder implements QueryVectorBuilder {
    public static final String NAME = "latent_translation";

    /** Parses the builder; its context is this node's translation service, which the builder keeps to translate with. */
    @SuppressWarnings("unchecked")
    public static final ConstructingObjectParser<LatentTranslationQueryVectorBuilder, Supplier<TranslationService>> PARSER =
        new ConstructingObjectParser<>(NAME, false, (a, translation) -> new LatentTranslationQueryVectorBuilder(toArray((List<Float>) a[0]),
            (String) a[1], (String) a[2], (String) a[3], (Boolean) a[4], translation));

    static {
        PARSER.declareFloatArray(constructorArg(), new ParseField("vector"));
        PARSER.declareString(constructorArg(), new ParseField("model"));
        PARSER.declareString(constructorArg(), new ParseField("target_model"));
        PARSER.declareString(optionalConstructorArg(), new ParseField("role"));
        PARSER.declareBoolean(optionalConstructorArg(), new ParseField("normalize"));
    }

    private final float[] vector;
    private final String model;
    private final String targetModel;
    private final String role;
    private final boolean normalize;
    /** This node's translation service, resolved when the vector is built; not part of the builder's value. */
    private final Supplier<TranslationService> translation;

    public LatentTranslationQueryVectorBuilder(float[] vector, String model, String targetModel, String role, Boolean normalize,
                                               Supplier<TranslationService> translation) {
        if (vector.length == 0) {
            throw LatentExceptions.badRequest("[" + NAME + "] requires a non-empty [vector]");
        }
        LatentKnnQueryBuilder.checkFinite(NAME, vector, "vector");
        this.vector = vector;
        this.model = model;
        this.targetModel = targetModel;
        this.role = role == null ? ModelRecord.QUERY_ROLE : role;
        this.normalize = normalize == null || normalize;
        this.translation = Objects.requireNonNull(translation);
    }

    public LatentTranslationQueryVectorBuilder(StreamInput in, Supplier<TranslationService> translation) throws IOException {
        vector = in.readFloatArray();
        model = in.readString();
        targetModel = in.readString();
        role = in.readString();
        normalize = in.readBoolean();
        this.translation = Objects.requireNonNull(translation);
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
        out.writeFloatArray(vector);
        out.writeString(model);
        out.writeString(targetModel);
        out.writeString(role);
        out.writeBoolean(normalize);
    }

    @Override
    public void buildVector(Client client, ActionListener<float[]> listener) {
        ActionListener.run(listener, l -> new SearchTranslation(translation.get(), new TranslateSpec(model, targetModel, role,
            QueryMethod.AUTO, normalize, null, 1.0), "vector", vector).translateVector(l));
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.startObject().array("vector", vector).field("model", model).field("target_model", targetModel).field("role", role)
            .field("normalize", normalize).endObject();
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    @Override
    public TransportVersion getMinimalSupportedVersion() {
        return LineTransportVersions.minimumCompatible();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatentTranslationQueryVectorBuilder b && Arrays.equals(vector, b.vector) && model.equals(b.model)
            && targetModel.equals(b.targetModel) && role.equals(b.role) && normalize == b.normalize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(vector), model, targetModel, role, normalize);
    }
}
