package org.latentbridge.plugin;

import org.elasticsearch.plugins.Plugin;

/**
 * Entry point Elasticsearch instantiates for the {@code latent-bridge} plugin (named by {@code classname} in
 * {@code config/plugin-descriptor.properties}).
 *
 * <p>Step 1 of the project only proves the packaging and the real-node test harness, so the class registers
 * nothing yet. Later steps make it implement {@code ActionPlugin} (anchor and translator management),
 * {@code SearchPlugin} (the translated kNN query and query vector builder), {@code IngestPlugin} (translate at
 * index time) and {@code SystemIndexPlugin} (the store of anchors and translators). The maths stays in
 * {@code latent-bridge-core}, which has no Elasticsearch dependency; this module is the only place that uses
 * Elasticsearch APIs, and within it version-specific calls should stay in as few classes as possible, so that
 * moving to a new Elasticsearch release touches little code.
 *
 * <p>Elasticsearch accepts a public no-argument constructor (as here), or one taking {@code Settings}, or
 * {@code (Settings, Path)}.
 */
public class LatentBridgePlugin extends Plugin {

    /** The plugin name, as in the descriptor and in {@code GET _cat/plugins}. */
    public static final String NAME = "latent-bridge";

    /** Called reflectively by the node's {@code PluginsService}. */
    public LatentBridgePlugin() {}
}
