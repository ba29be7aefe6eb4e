package org.latentbridge.plugin.action;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.elasticsearch.action.ActionListener;
import org.elasticsearch.action.support.ContextPreservingActionListener;
import org.elasticsearch.client.internal.Client;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.util.concurrent.ThreadContext;
import org.elasticsearch.threadpool.ThreadPool;
import org.latentbridge.plugin.LatentSettings;
import org.latentbridge.plugin.action.cache.InvalidateCacheAction;
import org.latentbridge.plugin.compat.NodesModelsRequest;
import org.latentbridge.plugin.store.LatentCache;
import org.latentbridge.plugin.store.LatentStore;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;

/** What the transport actions share: the store, this node's cache, the fit pool, the fits' product pool and the node's limits. */
public final class LatentServices {
    private static final Logger logger = LogManager.getLogger(LatentServices.class);

    private final Client client;
    private final ThreadPool threadPool;
    private final LatentStore store;
    private final LatentCache cache;
    private final ForkJoinPool fitProducts;
    private final int maxAnchorsPerRequest;
    private final int maxPoolVectors;
    private final int maxTranslateVectors;

    public LatentServices(Client client, ThreadPool threadPool, ClusterService clusterService, Settings settings,
                          ForkJoinPool fitProducts) {
        this.client = client;
        this.threadPool = threadPool;
        this.fitProducts = fitProducts;
        Executor loadPool = threadPool.executor(LatentSettings.LOAD_POOL);
        this.store = new LatentStore(client, threadPool.executor(LatentSettings.FIT_POOL), loadPool, clusterService);
        this.cache = new LatentCache(store, threadPool.getThreadContext(), loadPool, LatentSettings.CACHE_SIZE.get(settings).getBytes(),
            LatentSettings.METADATA_TTL.get(settings));
        this.maxAnchorsPerRequest = LatentSettings.MAX_ANCHORS_PER_REQUEST.get(settings);
        this.maxPoolVectors = LatentSettings.MAX_POOL_VECTORS.get(settings);
        this.maxTranslateVectors = LatentSettings.MAX_TRANSLATE_VECTORS.get(settings);
    }

    public Client client() {
        return client;
    }

    public ThreadPool threadPool() {
        return threadPool;
    }

    public Executor fitPool() {
        return threadPool.executor(LatentSettings.FIT_POOL);
    }

    /** The pool a fit's dense products run in (see {@code FitOptions.withProducts}); its workers bound the CPU fits take. */
    public ForkJoinPool fitProducts() {
        return fitProducts;
    }

    public LatentStore store() {
        return store;
    }

    public LatentCache cache() {
        return cache;
    }

    public int maxAnchorsPerRequest() {
        return maxAnchorsPerRequest;
    }

    /** The most vectors a model's pool may hold per role ({@code latent_bridge.pool.max_vectors}). */
    public int maxPoolVectors() {
        return maxPoolVectors;
    }

    public int maxTranslateVectors() {
        return maxTranslateVectors;
    }

    /**
     * Drops the entries of {@code models} from every node's cache before {@code then} runs, so that a read through any
     * node after a write returns sees the write. Runs as the internal user: it is part of the write, not a user action.
     * A node that cannot be reached is logged; its metadata expires after {@code latent_bridge.cache.metadata_ttl}.
     */
    public <T> void invalidateThen(List<String> models, T result, ActionListener<T> then) {
        ThreadContext tc = threadPool.getThreadContext();
        Supplier<ThreadContext.StoredContext> restore = tc.newRestorableContext(false);
        try (ThreadContext.StoredContext ignored = tc.stashContext()) {
            client.execute(InvalidateCacheAction.INSTANCE, new NodesModelsRequest(models),
                new ContextPreservingActionListener<>(restore, ActionListener.wrap(r -> {
                    if (r.hasFailures()) {
                        logger.warn("latent cache invalidation of {} failed on {} node(s): {}", models, r.failures().size(), r.failures());
                    }
                    then.onResponse(result);
                }, e -> {
                    logger.warn("latent cache invalidation of " + models + " failed", e);
                    then.onResponse(result);
                })));
        }
    }
}
