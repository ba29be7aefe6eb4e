package org.latentbridge.plugin;

import org.elasticsearch.common.settings.Setting;
import org.elasticsearch.common.settings.Setting.Property;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.unit.ByteSizeValue;
import org.elasticsearch.common.util.concurrent.EsExecutors;
import org.elasticsearch.core.TimeValue;

import java.util.List;

/**
 * Node settings of the plugin, and its thread pools.
 *
 * <p>Two pools, so that a search or an ingest document never waits behind a fit:
 * <ul>
 *   <li>{@value #FIT_POOL} (fixed, {@link #FIT_THREADS} threads, queue {@value #FIT_QUEUE_SIZE}, the queue size settable as
 *       {@code latent_bridge.fit_pool.queue_size}): fits, anchor writes and imports. A fit's dense products run in a fork-join
 *       pool of {@link #FIT_PROCESSORS} workers, which bounds the CPU fits take.</li>
 *   <li>{@value #LOAD_POOL} (fixed, {@code latent_bridge.load_pool.size} threads, default half the allocated processors, at
 *       least 1 and at most {@value #MAX_DEFAULT_LOAD_THREADS}; queue {@code latent_bridge.load_pool.queue_size}, default
 *       {@value #LOAD_QUEUE_SIZE}): what a cache miss runs, decoding anchor chunks and translators, relative projections
 *       and inverse-relative fits.</li>
 * </ul>
 */
public final class LatentSettings {
    private LatentSettings() {}

    /** Thread pool for fits, anchor writes and imports: never a network thread. */
    public static final String FIT_POOL = "latent_bridge_fit";
    /** Prefix of the fit pool's own settings; its size is {@link #FIT_THREADS}, so its {@code size} setting is refused. */
    public static final String FIT_POOL_PREFIX = "latent_bridge.fit_pool";
    /** Fits and anchor writes that may wait for a fit thread: each holds its request's anchors, so a few hundred at most. */
    public static final int FIT_QUEUE_SIZE = 100;

    /** Thread pool for cache loads: decoding stored anchors and translators after a miss, relative projections. */
    public static final String LOAD_POOL = "latent_bridge_load";
    /** Prefix of the load pool's settings ({@code size}, {@code queue_size}). */
    public static final String LOAD_POOL_PREFIX = "latent_bridge.load_pool";
    /** Loads that may wait for a thread: one per concurrent miss of a distinct entry (misses of one entry share a load). */
    public static final int LOAD_QUEUE_SIZE = 1000;
    /** Most load threads by default: loads are short decodes, and more would only compete with the search pool. */
    public static final int MAX_DEFAULT_LOAD_THREADS = 4;

    /** Bytes the node cache of decoded anchors and translators may hold. */
    public static final Setting<ByteSizeValue> CACHE_SIZE = Setting.memorySizeSetting("latent_bridge.cache.size", "5%",
        Property.NodeScope);

    /** Anchor vectors accepted in one request (larger sets: several requests, or an import from an index). */
    public static final Setting<Integer> MAX_ANCHORS_PER_REQUEST = Setting.intSetting("latent_bridge.anchors.max_per_request", 50_000,
        1, Property.NodeScope);

    /**
     * Vectors a model's pool of unpaired vectors may hold per role: a fit from pools holds both pools and works on their
     * dense similarities, which grow with the square of this.
     */
    public static final Setting<Integer> MAX_POOL_VECTORS = Setting.intSetting("latent_bridge.pool.max_vectors", 20_000, 1,
        Property.NodeScope);

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
    public static final Setting<TimeValue> METADATA_TTL = Setting.timeSetting("latent_bridge.cache.metadata_ttl",
        TimeValue.timeValueSeconds(30), TimeValue.timeValueMillis(1), Property.NodeScope);

    /** Threads of the fit pool: how many fits run at once. The one setting of the pool's size. */
    public static final Setting<Integer> FIT_THREADS = Setting.intSetting("latent_bridge.fit.threads", 1, 1, Property.NodeScope);

    /**
     * Workers of the fork-join pool a fit's dense products run in, shared by all running fits; capped by the node's allocated
     * processors ({@code node.processors}), which is also the default.
     */
    public static final Setting<Integer> FIT_PROCESSORS = new Setting<>("latent_bridge.fit.processors",
        s -> Integer.toString(EsExecutors.allocatedProcessors(s)), v -> Setting.parseInt(v, 1, "latent_bridge.fit.processors"),
        Property.NodeScope);

    /** Parallelism of the fit products' pool: {@link #FIT_PROCESSORS}, at most the allocated processors. */
    public static int fitProcessors(Settings settings) {
        return Math.min(FIT_PROCESSORS.get(settings), EsExecutors.allocatedProcessors(settings));
    }

    /** Default size of the load pool: half the allocated processors, at least 1, at most {@link #MAX_DEFAULT_LOAD_THREADS}. */
    public static int defaultLoadThreads(Settings settings) {
        return Math.max(1, Math.min(MAX_DEFAULT_LOAD_THREADS, EsExecutors.allocatedProcessors(settings) / 2));
    }

    public static List<Setting<?>> all() {
        return List.of(CACHE_SIZE, METADATA_TTL, MAX_ANCHORS_PER_REQUEST, MAX_POOL_VECTORS, MAX_TRANSLATE_VECTORS, MAX_RELATIVE_VALUES,
            FIT_THREADS, FIT_PROCESSORS);
    }
}
