package org.latentbridge.plugin;

import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.settings.Setting.Property;
import org.elasticsearch.common.unit.ByteSizeValue;

import java.util.List;

/** Node settings of the plugin, and the name of its thread pool. */
public final class LatentSettings {
    private LatentSettings() {}

    /** Thread pool for fits, anchor writes and imports: never a network thread. */
    public static final String FIT_POOL = "latent_bridge_fit";

    /** Bytes the node cache of decoded anchors and translators may hold. */
    public static final Setting<ByteSizeValue> CACHE_SIZE = Setting.memorySizeSetting("latent_bridge.cache.size", "5%",
        Property.NodeScope);

    /** Anchor vectors accepted in one request (larger sets: several requests, or an import from an index). */
    public static final Setting<Integer> MAX_ANCHORS_PER_REQUEST = Setting.intSetting("latent_bridge.anchors.max_per_request", 50_000,
        1, Property.NodeScope);

    /** Vectors accepted in one _translate request. */
    public static final Setting<Integer> MAX_TRANSLATE_VECTORS = Setting.intSetting("latent_bridge.translate.max_vectors", 10_000, 1,
        Property.NodeScope);

    /**
     * Values (vectors x anchors) one translation into a relative space may produce: each vector gets one coordinate per
     * anchor, so the output, and the memory it takes, grows with both.
     */
    public static final Setting<Integer> MAX_RELATIVE_VALUES = Setting.intSetting("latent_bridge.translate.max_relative_values",
        2_000_000, 1, Property.NodeScope);

    /** How long a node may serve model and translator metadata without re-reading it, should it miss an invalidation. */
    public static final Setting<org.elasticsearch.core.TimeValue> METADATA_TTL = Setting.timeSetting("latent_bridge.cache.metadata_ttl",
        org.elasticsearch.core.TimeValue.timeValueSeconds(30), org.elasticsearch.core.TimeValue.timeValueMillis(1), Property.NodeScope);

    /** Threads of the fit pool. */
    public static final Setting<Integer> FIT_THREADS = Setting.intSetting("latent_bridge.fit.threads", 1, 1, Property.NodeScope);

    public static List<Setting<?>> all() {
        return List.of(CACHE_SIZE, METADATA_TTL, MAX_ANCHORS_PER_REQUEST, MAX_TRANSLATE_VECTORS, MAX_RELATIVE_VALUES, FIT_THREADS);
    }
}
