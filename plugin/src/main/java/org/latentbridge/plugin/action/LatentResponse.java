package org.latentbridge.plugin.action;

import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Map;

/** A response body curated by the action (field names are the API contract, docs/architecture.md §8). */
public final class LatentResponse extends ActionResponse implements ToXContentObject {
    private final Map<String, Object> body;

    public LatentResponse(Map<String, Object> body) {
        this.body = body;
    }

    public LatentResponse(StreamInput in) throws IOException {
        body = in.readGenericMap();
    }

    public Map<String, Object> body() {
        return body;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeGenericMap(body);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.map(body);
    }
}
