package org.latentbridge.plugin.compat;

import org.elasticsearch.common.cache.Cache;
import org.elasticsearch.indices.SystemIndexDescriptor;

/** Calls whose signatures differ between Elasticsearch lines (the kNN query, which also differs within 9.x, is {@link LineKnn}). */
public final class EsApi {
    private EsApi() {}

    /** A system index descriptor builder; 8.19 insists on a node-version key in the mapping's {@code _meta} for a
     * managed index, though it reads it only on a best-effort basis (this plugin versions mappings by
     * {@code managed_index_mappings_version}). */
    public static SystemIndexDescriptor.Builder systemIndexDescriptor() {
        return SystemIndexDescriptor.builder().setVersionMetaKey("version");
    }

    public static long evictions(Cache<?, ?> cache) {
        return cache.stats().getEvictions();
    }
}
