package org.latentbridge.core.fit;

/** Receives the phases of a fit as they start, for progress reports on long fits. */
@FunctionalInterface
public interface FitProgress {
    FitProgress NONE = (phase, done, total) -> {};

    /**
     * @param phase what starts now, e.g. {@code "moments"} or {@code "method orthogonal"}
     * @param done  phases finished so far
     * @param total phases in all
     */
    void phase(String phase, int done, int total);
}
