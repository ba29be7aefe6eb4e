package org.latentbridge.plugin.action.translator;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.core.Nullable;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/** {@code GET /_latent/translator[/{source}/{target}]}: the fit report, and whether newer anchors exist ({@code stale}). */
public final class GetTranslatorAction {
    public static final String NAME = "cluster:monitor/latent/translator/get";
    public static final ActionType<Response> INSTANCE = new ActionType<>(NAME);

    private GetTranslatorAction() {}

    public static final class Request extends ActionRequest {
        private final TranslatorPath path;

        /** @param path the translator to read, or null for every translator */
        public Request(@Nullable TranslatorPath path) {
            this.path = path;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            path = in.readOptionalWriteable(TranslatorPath::new);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeOptionalWriteable(path);
        }

        @Override
        public ActionRequestValidationException validate() {
            return path == null ? null : path.validate(null);
        }

        @Nullable
        public TranslatorPath path() {
            return path;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request r && Objects.equals(path, r.path);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(path);
        }
    }

    /** One translator as an object, or every translator under {@code translators}. */
    public static final class Response extends ActionResponse implements ToXContentObject {
        private final List<TranslatorInfo> translators;
        private final boolean all;

        private Response(List<TranslatorInfo> translators, boolean all) {
            this.translators = List.copyOf(translators);
            this.all = all;
        }

        public static Response one(TranslatorInfo translator) {
            return new Response(List.of(translator), false);
        }

        public static Response all(List<TranslatorInfo> translators) {
            return new Response(translators, true);
        }

        public Response(StreamInput in) throws IOException {
            translators = in.readCollectionAsImmutableList(TranslatorInfo::new);
            all = in.readBoolean();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeCollection(translators);
            out.writeBoolean(all);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            if (all == false) {
                return translators.get(0).toXContent(builder, params);
            }
            builder.startObject().startArray("translators");
            for (TranslatorInfo translator : translators) {
                translator.toXContent(builder, params);
            }
            return builder.endArray().endObject();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Response r && translators.equals(r.translators) && all == r.all;
        }

        @Override
        public int hashCode() {
            return Objects.hash(translators, all);
        }
    }
}
