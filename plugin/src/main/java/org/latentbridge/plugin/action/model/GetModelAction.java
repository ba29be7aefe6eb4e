package org.latentbridge.plugin.action.model;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.core.Nullable;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.latentbridge.plugin.action.Names;
import org.latentbridge.plugin.store.ModelRecord;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/** {@code GET /_latent/model[/{model}]}: one model, or all of them. */
public final class GetModelAction {
    public static final String NAME = "cluster:monitor/latent/model/get";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private GetModelAction() {}

    public static final class Request extends ActionRequest {
        private final String model;

        /** @param model the model to read, or null for every model */
        public Request(@Nullable String model) {
            this.model = model;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            model = in.readOptionalString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeOptionalString(model);
        }

        @Override
        public ActionRequestValidationException validate() {
            return model == null ? null : Names.check("model", model, null);
        }

        @Nullable
        public String model() {
            return model;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && Objects.equals(model, r.model);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(model);
        }
    }

    /** One model as an object, or every model under {@code models}. */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final List<ModelRecord> models;
        private final boolean all;

        private Response(List<ModelRecord> models, boolean all) {
            this.models = List.copyOf(models);
            this.all = all;
        }

        public static Response one(ModelRecord model) {
            return new Response(List.of(model), false);
        }

        public static Response all(List<ModelRecord> models) {
            return new Response(models, true);
        }

        public Response(StreamInput in) throws IOException {
            models = in.readCollectionAsImmutableList(ModelWire::read);
            all = in.readBoolean();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeCollection(models, ModelWire::write);
            out.writeBoolean(all);
        }

        public List<ModelRecord> models() {
            return models;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            if (all == false) {
                return ModelWire.fields(builder.startObject(), models.get(0)).endObject();
            }
            builder.startObject().startArray("models");
            for (ModelRecord model : models) {
                ModelWire.fields(builder.startObject(), model).endObject();
            }
            return builder.endArray().endObject();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && models.equals(r.models) && all == r.all;
        }

        @Override
        public int hashCode() {
            return Objects.hash(models, all);
        }
    }
}
