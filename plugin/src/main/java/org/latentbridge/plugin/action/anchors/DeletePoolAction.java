package org.latentbridge.plugin.action.anchors;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.latentbridge.plugin.action.Names;

import java.io.IOException;
import java.util.Objects;

/** {@code DELETE /_latent/model/{model}/_pool?role=...}: drops the pool of unpaired vectors of one role. */
public final class DeletePoolAction {
    public static final String NAME = "cluster:admin/latent/pool/delete";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private DeletePoolAction() {}

    public static final class Request extends ActionRequest {
        private final String model;
        private final String role;

        public Request(String model, String role) {
            this.model = Objects.requireNonNull(model, "model");
            this.role = Objects.requireNonNull(role, "role");
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            model = in.readString();
            role = in.readString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(model);
            out.writeString(role);
        }

        @Override
        public ActionRequestValidationException validate() {
            return Names.check("role", role, Names.check("model", model, null));
        }

        public String model() {
            return model;
        }

        public String role() {
            return role;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && model.equals(r.model) && role.equals(r.role);
        }

        @Override
        public int hashCode() {
            return Objects.hash(model, role);
        }
    }

    /** The model's new version and how many vectors the dropped pool held. */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final String model;
        private final String role;
        private final long version;
        private final int deleted;

        public Response(String model, String role, long version, int deleted) {
            this.model = Objects.requireNonNull(model, "model");
            this.role = Objects.requireNonNull(role, "role");
            this.version = version;
            this.deleted = deleted;
        }

        public Response(StreamInput in) throws IOException {
            model = in.readString();
            role = in.readString();
            version = in.readVLong();
            deleted = in.readVInt();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(model);
            out.writeString(role);
            out.writeVLong(version);
            out.writeVInt(deleted);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject()
                .field("model", model)
                .field("role", role)
                .field("version", version)
                .field("deleted", deleted)
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

        public int deleted() {
            return deleted;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && model.equals(r.model) && role.equals(r.role) && version == r.version
                && deleted == r.deleted;
        }

        @Override
        public int hashCode() {
            return Objects.hash(model, role, version, deleted);
        }
    }
}
