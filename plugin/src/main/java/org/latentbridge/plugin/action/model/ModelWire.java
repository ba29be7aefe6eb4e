package org.latentbridge.plugin.action.model;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.xcontent.XContentBuilder;
import org.latentbridge.plugin.store.ModelRecord;

import java.io.IOException;
import java.util.Map;

/** A model record on the wire (in its stored form, so the two never drift apart) and in the API's JSON. */
final class ModelWire {
    private ModelWire() {}

    static void write(StreamOutput out, ModelRecord model) throws IOException {
        out.writeGenericMap(model.toSource());
        out.writeZLong(model.seqNo());
        out.writeVLong(model.primaryTerm());
    }

    static ModelRecord read(StreamInput in) throws IOException {
        Map<String, Object> source = in.readGenericMap();
        return ModelRecord.fromSource(source, in.readZLong(), in.readVLong());
    }

    /** The API fields of {@code model}, inside an object the caller opened. */
    static XContentBuilder fields(XContentBuilder builder, ModelRecord model) throws IOException {
        for (Map.Entry<String, Object> field : model.toApi().entrySet()) {
            builder.field(field.getKey(), field.getValue());
        }
        return builder;
    }
}
