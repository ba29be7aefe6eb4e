package org.latentbridge.plugin.store;

/**
 * The two kinds of vector sets a model stores per role, in the same segments of chunk documents: anchors, which pair
 * across models by id, and pools of unpaired vectors, whose ids only name them. Chunk ids start with the kind, so a
 * role's anchors and its pool never share a document.
 */
public enum VectorKind {
    ANCHORS("anchors", "anchors", "upload the anchors of the role again (POST /_latent/model/{model}/_anchors with all of them), "
        + "or delete and re-create the model"),
    POOL("pool", "pool vectors", "upload the pool of the role again (DELETE /_latent/model/{model}/_pool?role=..., then POST "
        + "/_latent/model/{model}/_pool), or delete and re-create the model");

    private final String prefix;
    private final String noun;
    private final String remedy;

    VectorKind(String prefix, String noun, String remedy) {
        this.prefix = prefix;
        this.noun = noun;
        this.remedy = remedy;
    }

    /** The {@code type} of the chunk documents and the start of their ids. */
    public String prefix() {
        return prefix;
    }

    /** What the vectors are called in messages: {@code anchors}, {@code pool vectors}. */
    public String noun() {
        return noun;
    }

    /** What one chunk document is called in messages. */
    String chunkNoun() {
        return this == ANCHORS ? "anchor chunk" : "pool chunk";
    }

    /** What to do when the stored vectors are damaged. */
    String remedy() {
        return remedy;
    }

    /** Where the role's vectors of this kind are listed in {@code model}; null when there are none. */
    public ModelRecord.RoleAnchors of(ModelRecord model, String role) {
        return this == ANCHORS ? model.anchorsOf(role) : model.poolOf(role);
    }

    /** The next version of {@code model}, listing {@code entry} as the role's vectors of this kind (null drops them). */
    public ModelRecord with(ModelRecord model, String role, ModelRecord.RoleAnchors entry) {
        return this == ANCHORS ? model.withRoleAnchors(role, entry) : model.withRolePool(role, entry);
    }

    /** The name of the role's vectors in messages: {@code latent model [m] role [r]}, with {@code pool} for a pool. */
    String named(String model, String role) {
        return "latent model [" + model + "] role [" + role + "]" + (this == ANCHORS ? "" : " pool");
    }
}
