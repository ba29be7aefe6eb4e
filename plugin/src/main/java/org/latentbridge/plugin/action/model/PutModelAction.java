package org.latentbridge.plugin.action.model;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.core.Nullable;
import org.elasticsearch.xcontent.ConstructingObjectParser;
import org.elasticsearch.xcontent.ObjectParser;
import org.elasticsearch.xcontent.ParseField;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.latentbridge.plugin.action.Names;
import org.latentbridge.plugin.action.StrictXContent;
import org.latentbridge.plugin.store.ModelRecord;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

import static org.elasticsearch.action.ValidateActions.addValidationError;
import static org.elasticsearch.xcontent.ConstructingObjectParser.constructorArg;
import static org.elasticsearch.xcontent.ConstructingObjectParser.optionalConstructorArg;

/** {@code PUT /_latent/model/{model}}: creates the model, or updates its description and roles. */
public final class PutModelAction {
    public static final String NAME = "cluster:admin/latent/model/put";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);
    /** Largest dimension Elasticsearch's dense_vector accepts. */
    public static final int MAX_DIMS = 4096;

    private PutModelAction() {}

    public static final class Request extends ActionRequest {
        @SuppressWarnings("unchecked")
        private static final ConstructingObjectParser<Request, String> PARSER = new ConstructingObjectParser<>("put_model", false,
            (a, model) -> new Request(model, (int) a[0], (String) a[1], a[2] == null ? List.of(ModelRecord.DOCUMENT_ROLE)
                : (List<String>) a[2]));

        static {
            PARSER.declareField(constructorArg(), StrictXContent::intValue, new ParseField("dims"), ObjectParser.ValueType.INT);
            PARSER.declareString(optionalConstructorArg(), new ParseField("description"));
            PARSER.declareField(optionalConstructorArg(), StrictXContent::stringList, new ParseField("roles"),
                ObjectParser.ValueType.STRING_ARRAY);
        }

        private final String model;
        private final int dims;
        private final String description;
        private final List<String> roles;

        public Request(String model, int dims, @Nullable String description, List<String> roles) {
            this.model = model;
            this.dims = dims;
            this.description = description;
            this.roles = List.copyOf(roles);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            model = in.readString();
            dims = in.readVInt();
            description = in.readOptionalString();
            roles = in.readStringCollectionAsImmutableList();
        }

        public static Request parse(String model, XContentParser parser) {
            return PARSER.apply(parser, model);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(model);
            out.writeVInt(dims);
            out.writeOptionalString(description);
            out.writeStringCollection(roles);
        }

        @Override
        public ActionRequestValidationException validate() {
            ActionRequestValidationException e = Names.check("model", model, null);
            if (dims < 1 || dims > MAX_DIMS) {
                e = addValidationError("[dims] must be within [1, " + MAX_DIMS + "], got [" + dims + "]", e);
            }
            if (description != null && description.length() > ModelRecord.MAX_DESCRIPTION_CHARS) {
                e = addValidationError("[description] must be at most [" + ModelRecord.MAX_DESCRIPTION_CHARS + "] characters, got ["
                    + description.length() + "]", e);
            }
            if (roles.isEmpty()) {
                e = addValidationError("[roles] must not be empty", e);
            }
            for (int i = 0; i < roles.size(); i++) {
                e = Names.check("roles][" + i, roles.get(i), e);
            }
            if (new HashSet<>(roles).size() != roles.size()) {
                e = addValidationError("[roles] contains duplicates: " + roles, e);
            }
            return e;
        }

        public String model() {
            return model;
        }

        public int dims() {
            return dims;
        }

        @Nullable
        public String description() {
            return description;
        }

        public List<String> roles() {
            return roles;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && model.equals(r.model) && dims == r.dims && Objects.equals(description, r.description)
                && roles.equals(r.roles);
        }

        @Override
        public int hashCode() {
            return Objects.hash(model, dims, description, roles);
        }
    }

    /** The model as stored, and whether this request created or updated it. */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final ModelRecord model;
        private final boolean created;

        public Response(ModelRecord model, boolean created) {
            this.model = model;
            this.created = created;
        }

        public Response(StreamInput in) throws IOException {
            model = ModelWire.read(in);
            created = in.readBoolean();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            ModelWire.write(out, model);
            out.writeBoolean(created);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject();
            ModelWire.fields(builder, model);
            return builder.field("result", created ? "created" : "updated").endObject();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && model.equals(r.model) && created == r.created;
        }

        @Override
        public int hashCode() {
            return Objects.hash(model, created);
        }
    }
}
