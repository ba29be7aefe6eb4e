package org.latentbridge.plugin.compat;

import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.RestHandler;

import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Registers transport actions and REST handlers through 9.x's {@link ActionPlugin} signatures. */
public abstract class LinePlugin extends Plugin implements ActionPlugin {

    /** The plugin's transport actions. */
    protected abstract List<TransportActionSpec> transportActions();

    /** The plugin's REST handlers. */
    protected abstract List<RestHandler> restHandlers();

    @Override
    public final Collection<ActionHandler> getActions() {
        return transportActions().stream().map(a -> new ActionHandler(a.type(), a.transportClass())).toList();
    }

    @Override
    public final Collection<RestHandler> getRestHandlers(RestHandlersServices services, Supplier<DiscoveryNodes> nodesInCluster,
                                                         Predicate<NodeFeature> clusterSupportsFeature) {
        return restHandlers();
    }
}
