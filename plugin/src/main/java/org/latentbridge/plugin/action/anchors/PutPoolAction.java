package org.latentbridge.plugin.action.anchors;

import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.core.Nullable;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.latentbridge.plugin.action.Names;
import org.latentbridge.plugin.store.VectorKind;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code POST|PUT /_latent/model/{model}/_pool}: appends vectors to the pool of unpaired vectors of a role of a model, or
 * replaces them by id, from the body ({@code ids} and {@code vectors}) or from an index the caller can read
 * ({@code source}, whose cap is {@code max_vectors}). The body is that of {@code _anchors}; pool ids only name vectors
 * and never pair across models.
 */
public final class PutPoolAction {
    public static final String NAME = "cluster:admin/latent/pool/put";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private PutPoolAction() {}

    /** The upload: a role, and either {@code ids} with as many {@code vectors}, or a {@code source} to import from. */
    public static final class Request extends VectorUploadRequest {
        /**
         * @param ids     the vectors' ids, with {@code vectors}; null for an import
         * @param vectors the vectors, as they are (not copied), row {@code i} for {@code ids[i]}; null for an import
         * @param source  the index to import from, its cap the pool's {@code max_vectors}; null for an upload
         */
        public Request(String model, String role, @Nullable List<String> ids, @Nullable float[][] vectors,
                       @Nullable PutAnchorsAction.Source source) {
            super(VectorKind.POOL, model, role, ids, vectors, source);
        }

        public Request(StreamInput in) throws IOException {
            super(VectorKind.POOL, in);
        }

        /** The request a body asks for; a body of the wrong form is refused as bad input, as {@code _anchors} refuses it. */
        public static Request parse(String model, XContentParser parser) {
            return parse(VectorKind.POOL, parser, (role, ids, vectors, source) -> new Request(model, role, ids, vectors, source));
        }

        /**
         * What can be checked without the model: the model's name, then the form. The count against the pool's cap and the
         * dimension are checked once the model is read (an unknown model is 404).
         */
        @Override
        public ActionRequestValidationException validate() {
            return addFormProblems(Names.check("model", model(), null));
        }
    }

    /**
     * The role's pool after the upload: the model's new {@code version}, the pool's vector count and generation, how many
     * uploaded ids were new and how many replaced a stored vector, and the diagnostics of the whole pool.
     */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final String model;
        private final String role;
        private final long version;
        private final int vectors;
        private final long generation;
        private final int added;
        private final int replaced;
        private final Map<String, Object> diagnostics;

        public Response(String model, String role, long version, int vectors, long generation, int added, int replaced,
                        Map<String, Object> diagnostics) {
            this.model = Objects.requireNonNull(model, "model");
            this.role = Objects.requireNonNull(role, "role");
            this.version = version;
            this.vectors = vectors;
            this.generation = generation;
            this.added = added;
            this.replaced = replaced;
            this.diagnostics = Objects.requireNonNull(diagnostics, "diagnostics");
        }

        public Response(StreamInput in) throws IOException {
            model = in.readString();
            role = in.readString();
            version = in.readVLong();
            vectors = in.readVInt();
            generation = in.readLong();
            added = in.readVInt();
            replaced = in.readVInt();
            diagnostics = in.readGenericMap();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(model);
            out.writeString(role);
            out.writeVLong(version);
            out.writeVInt(vectors);
            out.writeLong(generation);
            out.writeVInt(added);
            out.writeVInt(replaced);
            out.writeGenericMap(diagnostics);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject()
                .field("model", model)
                .field("role", role)
                .field("version", version)
                .field("vectors", vectors)
                .field("generation", generation)
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

        public int vectors() {
            return vectors;
        }

        public long generation() {
            return generation;
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
            return o instanceof Response r && model.equals(r.model) && role.equals(r.role) && version == r.version
                && vectors == r.vectors && generation == r.generation && added == r.added && replaced == r.replaced
                && diagnostics.equals(r.diagnostics);
        }

        @Override
        public int hashCode() {
            return Objects.hash(model, role, version, vectors, generation, added, replaced, diagnostics);
        }
    }
}
