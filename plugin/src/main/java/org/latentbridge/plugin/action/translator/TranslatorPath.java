package org.latentbridge.plugin.action.translator;

import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.index.IndexRequest;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.core.Nullable;
import org.latentbridge.plugin.action.Names;
import org.latentbridge.plugin.store.LatentSystemIndex;
import org.latentbridge.plugin.store.ModelRecord;
import org.latentbridge.plugin.store.TranslatorRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.elasticsearch.action.ValidateActions.addValidationError;

/**
 * The translator a request names: two models and the roles asked for (null for the defaults, {@code query} to
 * {@code document}); the roles resolve against the models once they are read.
 */
public record TranslatorPath(String source, @Nullable String sourceRole, String target, @Nullable String targetRole) implements Writeable {

    public TranslatorPath(StreamInput in) throws IOException {
        this(in.readString(), in.readOptionalString(), in.readString(), in.readOptionalString());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(source);
        out.writeOptionalString(sourceRole);
        out.writeString(target);
        out.writeOptionalString(targetRole);
    }

    /** The names, and the stored id's length: the longest the roles can resolve to must fit Elasticsearch's {@code _id}. */
    public ActionRequestValidationException validate(ActionRequestValidationException e) {
        e = Names.check("source", source, e);
        e = Names.check("target", target, e);
        if (sourceRole != null) {
            e = Names.check("source_role", sourceRole, e);
        }
        if (targetRole != null) {
            e = Names.check("target_role", targetRole, e);
        }
        if (e != null) {
            return e;
        }
        String id = LatentSystemIndex.translatorId(TranslatorRecord.key(source, longestResolution(sourceRole), target,
            longestResolution(targetRole)));
        int bytes = id.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > IndexRequest.MAX_DOCUMENT_ID_LENGTH_IN_BYTES) {
            e = addValidationError("the translator [" + source + "] -> [" + target + "] would be stored under an id of [" + bytes
                + "] bytes, over Elasticsearch's limit of [" + IndexRequest.MAX_DOCUMENT_ID_LENGTH_IN_BYTES + "] bytes for a document "
                + "_id; use shorter model or role names", e);
        }
        return e;
    }

    /** A default or standard role may resolve to {@code document}, the longest of the standard roles. */
    private static String longestResolution(String role) {
        return role == null || role.equals(ModelRecord.QUERY_ROLE) ? ModelRecord.DOCUMENT_ROLE : role;
    }
}
