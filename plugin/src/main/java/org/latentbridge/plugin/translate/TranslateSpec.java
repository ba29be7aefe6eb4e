package org.latentbridge.plugin.translate;

import org.latentbridge.plugin.LatentExceptions;

/**
 * What to translate into: model {@code to}'s space, or with {@code to = "_relative"} the relative space of model
 * {@code from} ({@code topK} and {@code exponent} then sparsify it). {@code role} is the role of {@code from} whose
 * anchors serve the translation. {@code normalize} asks for unit-length output. {@code alignWith} names, for a relative
 * target, the model whose relative field is searched: its anchor ids must be ours, else the coordinates would not match.
 * {@code documents} asks for documents translated at index time: they go through the stored translator's document map
 * (fitted so that they compete with native documents) when it has one.
 */
public record TranslateSpec(String from, String to, String role, QueryMethod method, boolean normalize, Integer topK, double exponent,
                            String alignWith, boolean documents) {
    /** The {@code to} of a translation into the source model's relative space (reserved: model names cannot start with '_'). */
    public static final String RELATIVE_TARGET = "_relative";
    /** Largest sparsification exponent: beyond it every cosine below 1 underflows to a zero weight. */
    public static final double MAX_EXPONENT = 64;

    public TranslateSpec {
        for (String[] required : new String[][] {{"from", from}, {"to", to}, {"role", role}}) {
            if (required[1] == null) {
                throw LatentExceptions.badRequest("[" + required[0] + "] is required");
            }
        }
        if (method == null) {
            throw LatentExceptions.badRequest("[method] is required");
        }
        if (topK != null && topK < 1) {
            throw LatentExceptions.badRequest("[top_k] must be at least 1, got [" + topK + "]");
        }
        if (topK != null && RELATIVE_TARGET.equals(to) == false) {
            throw LatentExceptions.badRequest("[top_k] sparsifies relative vectors: it applies only with [to: " + RELATIVE_TARGET + "]");
        }
        if (Double.isFinite(exponent) == false || exponent <= 0 || exponent > MAX_EXPONENT) {
            throw LatentExceptions.badRequest("[exponent] must be a number in (0, " + MAX_EXPONENT + "], got [" + exponent + "]");
        }
    }

    public TranslateSpec(String from, String to, String role, QueryMethod method, boolean normalize, Integer topK, double exponent,
                         String alignWith) {
        this(from, to, role, method, normalize, topK, exponent, alignWith, false);
    }

    public TranslateSpec(String from, String to, String role, QueryMethod method, boolean normalize, Integer topK, double exponent) {
        this(from, to, role, method, normalize, topK, exponent, null);
    }

    /** The same, translating documents at index time ({@code true}) or as queries are. */
    public TranslateSpec withDocuments(boolean asDocuments) {
        return new TranslateSpec(from, to, role, method, normalize, topK, exponent, alignWith, asDocuments);
    }

    /** Into the source model's relative space. */
    public boolean toRelative() {
        return RELATIVE_TARGET.equals(to);
    }

    /** A model into its own space: nothing to translate. */
    public boolean identity() {
        return toRelative() == false && from.equals(to);
    }
}
