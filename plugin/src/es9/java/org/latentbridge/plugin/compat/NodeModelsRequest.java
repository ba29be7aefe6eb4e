package org.latentbridge.plugin.compat;

import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.transport.AbstractTransportRequest;

import java.io.IOException;
import java.util.List;

/** The per-node part of a {@link NodesModelsRequest}, sent over the transport layer. */
public final class NodeModelsRequest extends AbstractTransportRequest {
    private final List<String> models;

    public NodeModelsRequest(List<String> models) {
        this.models = List.copyOf(models);
    }

    public NodeModelsRequest(StreamInput in) throws IOException {
        super(in);
        models = in.readStringCollectionAsList();
    }

    public List<String> models() {
        return models;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        super.writeTo(out);
        out.writeStringCollection(models);
    }
}
