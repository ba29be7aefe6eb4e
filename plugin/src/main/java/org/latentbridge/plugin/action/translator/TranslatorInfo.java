package org.latentbridge.plugin.action.translator;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.latentbridge.plugin.store.TranslatorRecord;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

/** A translator as the API shows it: its key, version, whether newer anchors exist, and the stored fit report. */
public record TranslatorInfo(String source, String sourceRole, String target, String targetRole, long version, boolean stale,
                             Map<String, Object> report) implements Writeable, ToXContentObject {

    private static final Set<String> OWN_FIELDS = Set.of("source", "source_role", "target", "target_role", "version", "stale");

    public static TranslatorInfo of(TranslatorRecord record, boolean stale) {
        return new TranslatorInfo(record.source(), record.sourceRole(), record.target(), record.targetRole(), record.version(), stale,
            record.report());
    }

    public TranslatorInfo(StreamInput in) throws IOException {
        this(in.readString(), in.readString(), in.readString(), in.readString(), in.readVLong(), in.readBoolean(), in.readGenericMap());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(source);
        out.writeString(sourceRole);
        out.writeString(target);
        out.writeString(targetRole);
        out.writeVLong(version);
        out.writeBoolean(stale);
        out.writeGenericMap(report);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject().field("source", source).field("source_role", sourceRole).field("target", target).field("target_role",
            targetRole).field("version", version).field("stale", stale);
        for (Map.Entry<String, Object> entry : report.entrySet()) {
            if (OWN_FIELDS.contains(entry.getKey()) == false) {
                builder.field(entry.getKey(), entry.getValue());
            }
        }
        return builder.endObject();
    }
}
