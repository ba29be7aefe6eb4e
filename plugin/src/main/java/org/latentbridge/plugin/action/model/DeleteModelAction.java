package org.latentbridge.plugin.action.model;

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
import java.util.List;
import java.util.Objects;

/** {@code DELETE /_latent/model/{model}[?force]}: refused while translators use the model, unless forced (they go too). */
public final class DeleteModelAction {
    public static final String NAME = "cluster:admin/latent/model/delete";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private DeleteModelAction() {}

    public static final class Request extends ActionRequest {
        private final String model;
        private final boolean force;

        public Request(String model, boolean force) {
            this.model = model;
            this.force = force;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            model = in.readString();
            force = in.readBoolean();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(model);
            out.writeBoolean(force);
        }

        @Override
        public ActionRequestValidationException validate() {
            return Names.check("model", model, null);
        }

        public String model() {
            return model;
        }

        public boolean force() {
            return force;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && model.equals(r.model) && force == r.force;
        }

        @Override
        public int hashCode() {
            return Objects.hash(model, force);
        }
    }

    /** The keys of the translators deleted with the model (only when forced). */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final List<String> deletedTranslators;

        public Response(List<String> deletedTranslators) {
            this.deletedTranslators = List.copyOf(deletedTranslators);
        }

        public Response(StreamInput in) throws IOException {
            deletedTranslators = in.readStringCollectionAsImmutableList();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeStringCollection(deletedTranslators);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject().field("acknowledged", true).field("deleted_translators", deletedTranslators).endObject();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && deletedTranslators.equals(r.deletedTranslators);
        }

        @Override
        public int hashCode() {
            return deletedTranslators.hashCode();
        }
    }
}
