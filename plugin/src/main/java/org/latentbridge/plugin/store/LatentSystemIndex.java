package org.latentbridge.plugin.store;

import org.elasticsearch.cluster.metadata.IndexMetadata;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.indices.SystemIndexDescriptor;
import org.latentbridge.plugin.compat.EsApi;

import java.util.Locale;

/**
 * The system index {@code .latent-bridge}: model documents, anchor chunk documents and translator documents. Bodies are
 * not indexed ({@code enabled: false}); only the fields used to find documents are keywords, and binary forms are
 * stored as base64 {@code binary} fields. Each document's layout version is {@code body.format_version} (absent: version 1),
 * inside the unindexed body so that a new layout needs no mapping change.
 */
public final class LatentSystemIndex {
    public static final String NAME = ".latent-bridge";
    /** Bumped with every mapping change; see {@link #descriptor()}. */
    static final int MAPPINGS_VERSION = 1;

    private LatentSystemIndex() {}

    /** Formatted in the root locale: in some locales {@code %d} writes digits that are not JSON numbers. */
    static final String MAPPINGS = String.format(Locale.ROOT, """
        {
          "_doc": {
            "_meta": { "managed_index_mappings_version": %d },
            "dynamic": "strict",
            "properties": {
              "type": { "type": "keyword" },
              "model": { "type": "keyword" },
              "role": { "type": "keyword" },
              "generation": { "type": "long" },
              "chunk": { "type": "integer" },
              "source": { "type": "keyword" },
              "source_role": { "type": "keyword" },
              "target": { "type": "keyword" },
              "target_role": { "type": "keyword" },
              "body": { "type": "object", "enabled": false },
              "blob": { "type": "binary" }
            }
          }
        }
        """, MAPPINGS_VERSION);

    public static SystemIndexDescriptor descriptor() {
        return EsApi.systemIndexDescriptor()
            .setIndexPattern(NAME + "*")
            .setPrimaryIndex(NAME)
            .setDescription("Latent Bridge models, anchors and translators")
            .setMappings(MAPPINGS)
            .setSettings(Settings.builder()
                .put(IndexMetadata.SETTING_NUMBER_OF_SHARDS, 1)
                .put(IndexMetadata.SETTING_AUTO_EXPAND_REPLICAS, "0-1")
                .put(IndexMetadata.SETTING_INDEX_HIDDEN, true)
                .build())
            .setOrigin("latent_bridge")
            .setType(SystemIndexDescriptor.Type.INTERNAL_MANAGED)
            .build();
    }

    static String modelId(String model) {
        return "model:" + model;
    }

    /** A chunk of an anchor segment; a version-1 model's one generation is read as a segment of the same id. */
    static String chunkId(String model, String role, long segment, int chunk) {
        return chunkId(VectorKind.ANCHORS, model, role, segment, chunk);
    }

    /** A chunk of a segment of {@code kind}: anchors and pools of one role differ in the prefix, so they never collide. */
    static String chunkId(VectorKind kind, String model, String role, long segment, int chunk) {
        return kind.prefix() + ":" + model + ":" + role + ":" + segment + ":" + chunk;
    }

    public static String translatorId(String key) {
        return "translator:" + key;
    }
}
