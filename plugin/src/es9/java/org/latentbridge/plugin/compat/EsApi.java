package org.latentbridge.plugin.compat;

import org.elasticsearch.common.cache.Cache;
import org.elasticsearch.indices.SystemIndexDescriptor;

/** Calls whose signatures differ between Elasticsearch lines (the kNN query, which also differs within 9.x, is {@link LineKnn}). */
public final class EsApi {
    private EsApi() {}

    /** A system index descriptor builder. */
    public static SystemIndexDescriptor.Builder systemIndexDescriptor() {
        return SystemIndexDescriptor.builder();
    }

    public static long evictions(Cache<?, ?> cache) {
        return cache.stats().getEvictions();
    }
}
