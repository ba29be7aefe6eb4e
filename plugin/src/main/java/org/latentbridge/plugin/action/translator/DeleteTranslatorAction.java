package org.latentbridge.plugin.action.translator;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;

/** {@code DELETE /_latent/translator/{source}/{target}[?source_role=&target_role=]}. */
public final class DeleteTranslatorAction {
    public static final String NAME = "cluster:admin/latent/translator/delete";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private DeleteTranslatorAction() {}

    public static final class Request extends ActionRequest {
        private final TranslatorPath path;

        public Request(TranslatorPath path) {
            this.path = path;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            path = new TranslatorPath(in);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            path.writeTo(out);
        }

        @Override
        public ActionRequestValidationException validate() {
            return path.validate(null);
        }

        public TranslatorPath path() {
            return path;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && path.equals(r.path);
        }

        @Override
        public int hashCode() {
            return path.hashCode();
        }
    }

    /** The key of the translator deleted, its roles resolved. */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final String translator;

        public Response(String translator) {
            this.translator = translator;
        }

        public Response(StreamInput in) throws IOException {
            translator = in.readString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(translator);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            return builder.startObject().field("acknowledged", true).field("translator", translator).endObject();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && translator.equals(r.translator);
        }

        @Override
        public int hashCode() {
            return translator.hashCode();
        }
    }
}
