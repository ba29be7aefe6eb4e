package org.latentbridge.plugin.compat;

import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionResponse;
import org.elasticsearch.action.ActionType;
import org.elasticsearch.action.support.TransportAction;
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

/** Registers transport actions and REST handlers through 8.19's {@link ActionPlugin} signatures. */
public abstract class LinePlugin extends Plugin implements ActionPlugin {

    /** The plugin's transport actions. */
    protected abstract List<TransportActionSpec> transportActions();

    /** The plugin's REST handlers. */
    protected abstract List<RestHandler> restHandlers();

    @Override
    public final Collection<ActionHandler<? extends ActionRequest, ? extends ActionResponse>> getActions() {
        return transportActions().stream().<ActionHandler<? extends ActionRequest, ? extends ActionResponse>>map(LinePlugin::handler)
            .toList();
    }

    // 8.19's handler is generic in the request and response; the spec, like 9.x's handler, is not.
    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static ActionHandler<? extends ActionRequest, ? extends ActionResponse> handler(TransportActionSpec spec) {
        return new ActionHandler((ActionType) spec.type(), (Class<? extends TransportAction>) spec.transportClass());
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
