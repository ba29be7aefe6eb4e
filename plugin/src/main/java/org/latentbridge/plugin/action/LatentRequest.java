package org.latentbridge.plugin.action;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.common.bytes.BytesReference;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.tasks.CancellableTask;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.tasks.TaskId;
import org.elasticsearch.xcontent.XContentType;
import org.latentbridge.plugin.LatentExceptions;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * The request of every Latent Bridge endpoint: the path and query parameters and the raw body. The REST layer stays
 * thin; each transport action parses and validates what it needs ({@link Body}), so validation lives in one place per
 * endpoint whichever way the request arrives.
 */
public final class LatentRequest extends ActionRequest {
    private final Map<String, String> params;
    private final BytesReference body;
    private final XContentType contentType;

    public LatentRequest(Map<String, String> params, BytesReference body, XContentType contentType) {
        this.params = Map.copyOf(params);
        this.body = body;
        this.contentType = contentType;
    }

    public LatentRequest(StreamInput in) throws IOException {
        super(in);
        params = in.readImmutableMap(StreamInput::readString);
        body = in.readOptionalBytesReference();
        contentType = in.readBoolean() ? XContentType.fromMediaType(in.readString()) : null;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeMap(params, StreamOutput::writeString);
        out.writeOptionalBytesReference(body);
        out.writeBoolean(contentType != null);
        if (contentType != null) {
            out.writeString(contentType.mediaTypeWithoutParameters());
        }
    }

    @Override
    public ActionRequestValidationException validate() {
        return null;
    }

    /** Long work (a fit, an import) can be cancelled through the task API. */
    @Override
    public Task createTask(long id, String type, String action, TaskId parentTaskId, Map<String, String> headers) {
        return new CancellableTask(id, type, action, "latent " + params, parentTaskId, headers);
    }

    public String param(String name) {
        return params.get(name);
    }

    public String param(String name, String defaultValue) {
        return params.getOrDefault(name, defaultValue);
    }

    public boolean flag(String name) {
        String v = params.get(name);
        if (v == null) {
            return false;
        }
        if (v.isEmpty() || v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw LatentExceptions.badRequest("[" + name + "] must be true or false, got [" + v + "]");
    }

    /** The body as a map; an empty map when there is none. Unknown fields are the caller's to reject. */
    private static int firstNonWhitespace(BytesReference bytes) {
        for (int i = 0; i < bytes.length(); i++) {
            byte b = bytes.get(i);
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b;
            }
        }
        return -1;
    }

    public Body body(Set<String> allowedFields) {
        if (body == null || body.length() == 0) {
            return new Body(Map.of(), allowedFields);
        }
        if (firstNonWhitespace(body) != '{') {
            throw LatentExceptions.badRequest("the request body must be a JSON object");
        }
        Map<String, Object> map;
        try {
            map = XContentHelper.convertToMap(body, false, contentType).v2();
        } catch (Exception e) {
            throw LatentExceptions.badRequest("the request body is not valid JSON: " + e.getMessage());
        }
        return new Body(map, allowedFields);
    }
}
