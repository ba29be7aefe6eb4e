package org.latentbridge.plugin.compat;

import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;

import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Registers transport actions and REST handlers through the {@link ActionPlugin} of 9.1 to 9.3: the action handler is no
 * longer generic, while the REST handlers still receive each node service as its own argument.
 */
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
    public final Collection<RestHandler> getRestHandlers(Settings settings, NamedWriteableRegistry namedWriteableRegistry,
                                                         RestController restController, ClusterSettings clusterSettings,
                                                         IndexScopedSettings indexScopedSettings, SettingsFilter settingsFilter,
                                                         IndexNameExpressionResolver indexNameExpressionResolver,
                                                         Supplier<DiscoveryNodes> nodesInCluster,
                                                         Predicate<NodeFeature> clusterSupportsFeature) {
        return restHandlers();
    }
}
