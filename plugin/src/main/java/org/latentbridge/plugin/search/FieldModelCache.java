package org.latentbridge.plugin.search;

import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.common.cache.Cache;
import org.elasticsearch.common.cache.CacheBuilder;
import org.elasticsearch.core.TimeValue;

import java.util.Optional;

/**
 * This node's parsed {@link FieldModel}s, by index, mapping version, field and {@code field_model}: reading a field from
 * a mapping decompresses and parses the whole mapping (some 30-70 us for a 40-field mapping), once per searched index
 * and query without it. Bounded; an entry of an old mapping version is never read again and ages out. One per plugin
 * instance (node), created with the plugin: the query is registered before the node's services exist.
 */
public final class FieldModelCache {
    /** Entries kept: a few per searched (index, field) pair is plenty. */
    static final int MAX_ENTRIES = 10_000;

    private record Key(String indexUuid, long mappingVersion, String field, String fieldModel) {}

    private final Cache<Key, FieldModel> parsed = CacheBuilder.<Key, FieldModel>builder().setMaximumWeight(MAX_ENTRIES)
        .setExpireAfterAccess(TimeValue.timeValueHours(1)).build();
    /** Native fields of mixed searches, empty where an index does not map the field. */
    private final Cache<Key, Optional<FieldModel>> natives = CacheBuilder.<Key, Optional<FieldModel>>builder()
        .setMaximumWeight(MAX_ENTRIES).setExpireAfterAccess(TimeValue.timeValueHours(1)).build();

    /** The model of {@code field} in {@code index}; a field that cannot be searched is refused (and not cached). */
    FieldModel of(IndexMetadata index, String field, String fieldModel) {
        Key key = new Key(index.getIndexUUID(), index.getMappingVersion(), field, fieldModel);
        FieldModel cached = parsed.get(key);
        if (cached == null) {
            // two searches racing may both parse: cheaper than making either wait
            cached = FieldModel.parse(index, field, fieldModel);
            parsed.put(key, cached);
        }
        return cached;
    }

    /** The native field {@code field} of a mixed search in {@code index}, or null when the index does not map it. */
    FieldModel nativeOf(IndexMetadata index, String field) {
        Key key = new Key(index.getIndexUUID(), index.getMappingVersion(), field, null);
        Optional<FieldModel> cached = natives.get(key);
        if (cached == null) {
            cached = Optional.ofNullable(FieldModel.parseNative(index, field));
            natives.put(key, cached);
        }
        return cached.orElse(null);
    }
}
