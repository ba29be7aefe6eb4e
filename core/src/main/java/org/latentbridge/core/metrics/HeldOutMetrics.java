package org.latentbridge.core.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quality of translating held-out anchors: mean cosine between each translation and its true target, how well the
 * true target is retrieved among all held-out targets (top-1, top-10 accuracy and mean reciprocal rank), and how well
 * the translation keeps its target's neighbourhood among the other held-out targets (neighbour agreement, see
 * {@link RetrievalMetrics#neighbourAgreement}). The same-item metrics reach 1.0 on any good pair; neighbour agreement
 * still separates translators there.
 */
public record HeldOutMetrics(double meanCosine, double top1, double top10, double mrr, double neighbourAgreement, int count) {

    /** The metric names accepted by a quality gate, as in the API. */
    public static final List<String> NAMES = List.of("mean_cosine", "top1", "top10", "mrr", "neighbour_agreement");

    public double get(String name) {
        return switch (name) {
            case "mean_cosine" -> meanCosine;
            case "top1" -> top1;
            case "top10" -> top10;
            case "mrr" -> mrr;
            case "neighbour_agreement" -> neighbourAgreement;
            default -> throw new IllegalArgumentException("unknown metric [" + name + "], expected one of " + NAMES);
        };
    }

    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String name : NAMES) {
            m.put(name, get(name));
        }
        return m;
    }
}
