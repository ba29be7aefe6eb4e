package org.latentbridge.testplugin;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.TransportVersion;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.search.vectors.QueryVectorBuilder;
import org.elasticsearch.xcontent.ConstructingObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

import static org.elasticsearch.xcontent.ConstructingObjectParser.optionalConstructorArg;

/**
 * {@code test_fixed_vector}: returns {@code vector} as given, or {@code dims} standard normal values drawn from {@code seed}
 * (the same for the same seed on every node and line); with {@code fail_status} it fails instead, with that HTTP status,
 * as a builder whose endpoint or document is missing would.
 */
public final class FixedQueryVectorBuilder implements QueryVectorBuilder {
    public static final String NAME = "test_fixed_vector";

    @SuppressWarnings("unchecked")
    public static final ConstructingObjectParser<FixedQueryVectorBuilder, Void> PARSER = new ConstructingObjectParser<>(NAME, false,
        a -> new FixedQueryVectorBuilder(a[0] == null ? null : toArray((List<Float>) a[0]), (Long) a[1], (Integer) a[2], (Integer) a[3]));

    static {
        PARSER.declareFloatArray(optionalConstructorArg(), new ParseField("vector"));
        PARSER.declareLong(optionalConstructorArg(), new ParseField("seed"));
        PARSER.declareInt(optionalConstructorArg(), new ParseField("dims"));
        PARSER.declareInt(optionalConstructorArg(), new ParseField("fail_status"));
    }

    private final float[] vector;
    private final Long seed;
    private final Integer dims;
    private final Integer failStatus;

    public FixedQueryVectorBuilder(float[] vector, Long seed, Integer dims, Integer failStatus) {
        if (failStatus == null && (vector == null) == (seed == null)) {
            throw new IllegalArgumentException("[" + NAME + "] requires exactly one of [vector] and [seed], or [fail_status]");
        }
        if (seed != null && (dims == null || dims < 1)) {
            throw new IllegalArgumentException("[" + NAME + "] with [seed] requires a positive [dims]");
        }
        if (failStatus != null && RestStatus.fromCode(failStatus) == null) {
            throw new IllegalArgumentException("[" + NAME + "] [fail_status] must be an HTTP status, got [" + failStatus + "]");
        }
        this.vector = vector;
        this.seed = seed;
        this.dims = dims;
        this.failStatus = failStatus;
    }

    public FixedQueryVectorBuilder(StreamInput in) throws IOException {
        this(in.readOptionalFloatArray(), in.readOptionalLong(), in.readOptionalVInt(), in.readOptionalVInt());
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
        out.writeOptionalLong(seed);
        out.writeOptionalVInt(dims);
        out.writeOptionalVInt(failStatus);
    }

    @Override
    public void buildVector(Client client, ActionListener<float[]> listener) {
        if (failStatus != null) {
            listener.onFailure(new ElasticsearchStatusException("[" + NAME + "] asked to fail with status [" + failStatus + "]",
                RestStatus.fromCode(failStatus)));
        } else if (vector != null) {
            listener.onResponse(vector.clone());
        } else {
            Random random = new Random(seed);
            float[] drawn = new float[dims];
            for (int i = 0; i < drawn.length; i++) {
                drawn[i] = (float) random.nextGaussian();
            }
            listener.onResponse(drawn);
        }
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        if (vector != null) {
            builder.array("vector", vector);
        }
        if (seed != null) {
            builder.field("seed", seed).field("dims", dims);
        }
        if (failStatus != null) {
            builder.field("fail_status", failStatus);
        }
        return builder.endObject();
    }

    @Override
    public String getWriteableName() {
        return NAME;
    }

    @Override
    public TransportVersion getMinimalSupportedVersion() {
        return TransportVersion.minimumCompatible();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FixedQueryVectorBuilder b && Arrays.equals(vector, b.vector) && Objects.equals(seed, b.seed)
            && Objects.equals(dims, b.dims) && Objects.equals(failStatus, b.failStatus);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(vector), seed, dims, failStatus);
    }
}
