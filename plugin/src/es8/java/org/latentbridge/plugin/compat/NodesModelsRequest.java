package org.latentbridge.plugin.compat;

import org.elasticsearch.action.support.nodes.BaseNodesRequest;

import java.util.List;

/** A request to every node naming some models (none for "all"); never serialised, as nodes requests are local. */
public final class NodesModelsRequest extends BaseNodesRequest<NodesModelsRequest> {
    private final List<String> models;

    public NodesModelsRequest(List<String> models) {
        super((String[]) null);
        this.models = List.copyOf(models);
    }

    public List<String> models() {
        return models;
    }
}
