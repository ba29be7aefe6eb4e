package org.latentbridge.plugin.action.anchors;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.latentbridge.plugin.action.WireTesting.randomVectors;

/** Random upload requests of either kind, for the wire tests of anchors and pools. */
final class UploadRequests {
    private UploadRequests() {}

    /** Builds a request of one kind from its fields, as its constructor does. */
    @FunctionalInterface
    interface Factory<R extends VectorUploadRequest> {
        R create(String model, String role, List<String> ids, float[][] vectors, PutAnchorsAction.Source source);
    }

    /**
     * A random upload: a third of them imports from {@code randomSource}, the others send {@code minIds} to
     * {@code minIds + 4} ids named {@code idPrefix} and a number with as many random vectors.
     */
    static <R extends VectorUploadRequest> R randomRequest(Random random, Supplier<PutAnchorsAction.Source> randomSource, int minIds,
                                                           String idPrefix, Factory<R> factory) {
        String role = random.nextBoolean() ? "query" : "document";
        if (random.nextInt(3) == 0) {
            return factory.create("m" + random.nextInt(5), role, null, null, randomSource.get());
        }
        int n = minIds + random.nextInt(5);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(idPrefix + random.nextInt(1000));
        }
        return factory.create("m" + random.nextInt(5), role, ids, randomVectors(random, n, 1 + random.nextInt(8)), null);
    }
}
