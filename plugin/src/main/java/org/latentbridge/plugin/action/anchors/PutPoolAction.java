package org.latentbridge.plugin.action.anchors;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.core.Nullable;
import org.elasticsearch.tasks.CancellableTask;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.tasks.TaskId;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.latentbridge.plugin.action.Names;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.elasticsearch.action.ValidateActions.addValidationError;

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
    public static final class Request extends ActionRequest {
        private static final ObjectParser<PutAnchorsAction.Request.Body, Void> PARSER =
            PutAnchorsAction.Request.bodyParser("put_pool", PutAnchorsAction.Source.MAX_VECTORS);

        private final String model;
        private final String role;
        private final List<String> ids;
        private final float[][] vectors;
        private final PutAnchorsAction.Source source;

        /**
         * @param ids     the vectors' ids, with {@code vectors}; null for an import
         * @param vectors the vectors, as they are (not copied), row {@code i} for {@code ids[i]}; null for an import
         * @param source  the index to import from, its cap the pool's {@code max_vectors}; null for an upload
         */
        public Request(String model, String role, @Nullable List<String> ids, @Nullable float[][] vectors,
                       @Nullable PutAnchorsAction.Source source) {
            this.model = Objects.requireNonNull(model, "model");
            this.role = Objects.requireNonNull(role, "role");
            this.ids = ids == null ? null : List.copyOf(ids);
            this.vectors = vectors;
            this.source = source;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            model = in.readString();
            role = in.readString();
            ids = in.readOptionalStringCollectionAsList();
            vectors = in.readOptionalArray(StreamInput::readFloatArray, float[][]::new);
            source = in.readOptionalWriteable(PutAnchorsAction.Source::read);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(model);
            out.writeString(role);
            out.writeOptionalStringCollection(ids);
            out.writeOptionalArray(StreamOutput::writeFloatArray, vectors);
            out.writeOptionalWriteable(source);
        }

        /** The request a body asks for; a body of the wrong form is refused as bad input, as {@code _anchors} refuses it. */
        public static Request parse(String model, XContentParser parser) {
            PutAnchorsAction.Request.Body b = PutAnchorsAction.Request.parseBody(PARSER, parser);
            Request request = new Request(model, b.role, b.ids, b.vectors, b.source);
            List<String> problems = request.formProblems();
            if (problems.isEmpty() == false) {
                throw new IllegalArgumentException(problems.get(0));
            }
            return request;
        }

        private List<String> formProblems() {
            return PutAnchorsAction.Request.formProblems(role, ids, vectors, source, "pool vectors", PutAnchorsAction.Source.MAX_VECTORS);
        }

        /**
         * What can be checked without the model: the names, one form or the other, complete, with as many ids as vectors.
         * The count against the pool's cap and the dimension are checked once the model is read (an unknown model is 404).
         */
        @Override
        public ActionRequestValidationException validate() {
            ActionRequestValidationException e = Names.check("model", model, null);
            for (String problem : formProblems()) {
                e = addValidationError(problem, e);
            }
            return e;
        }

        /** An import reads an index for minutes: it can be cancelled through the task API or by closing the connection. */
        @Override
        public Task createTask(long id, String type, String action, TaskId parentTaskId, Map<String, String> headers) {
            return new CancellableTask(id, type, action, getDescription(), parentTaskId, headers);
        }

        @Override
        public String getDescription() {
            return source != null
                ? "latent pool [" + model + "][" + role + "] from [" + source.index() + "]"
                : "latent pool [" + model + "][" + role + "], [" + (ids == null ? 0 : ids.size()) + "] vectors";
        }

        public String model() {
            return model;
        }

        public String role() {
            return role;
        }

        @Nullable
        public List<String> ids() {
            return ids;
        }

        /** The vectors themselves, not a copy. */
        @Nullable
        public float[][] vectors() {
            return vectors;
        }

        @Nullable
        public PutAnchorsAction.Source source() {
            return source;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && model.equals(r.model) && role.equals(r.role) && Objects.equals(ids, r.ids)
                && Arrays.deepEquals(vectors, r.vectors) && Objects.equals(source, r.source);
        }

        @Override
        public int hashCode() {
            return Objects.hash(model, role, ids, Arrays.deepHashCode(vectors), source);
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
