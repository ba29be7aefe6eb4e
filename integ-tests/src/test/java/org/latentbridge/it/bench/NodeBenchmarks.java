package org.latentbridge.it.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * What the node benchmarks on the real corpus share: their {@code key=value} arguments, the seeded shuffle of the corpus
 * rows that their splits are cut from (the same seed gives the same embeddings cache entries across benchmarks), the
 * vector field of a model's index, and printing.
 */
final class NodeBenchmarks {
    private NodeBenchmarks() {}

    /** The arguments of {@code -Dlatent.args="a=1 b=2"}; a bare {@code key} maps to the empty string. */
    static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return options;
    }

    /** The rows {@code 0..size-1} in a seeded random order. */
    static List<Integer> shuffledRows(int size, long seed) {
        List<Integer> order = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        return order;
    }

    /** A {@code dense_vector} field of {@code model}'s vectors: HNSW, cosine, tagged for {@code latent_knn}. */
    static Map<String, Object> vectorField(int dims, String model) {
        return Map.of("type", "dense_vector", "dims", dims, "similarity", "cosine", "index_options", Map.of("type", "hnsw"),
            "meta", Map.of("latent_model", model));
    }

    static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
