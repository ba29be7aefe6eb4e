package org.latentbridge.plugin.translate;

import java.util.Locale;

/**
 * How a query-time translation into another model's space is served: {@code auto}, the stored translator fitted for
 * the pair, or {@code inverse_relative}, an inverse relative projection computed from both models' anchors, which
 * needs no pairwise fit. The one place where the accepted names are checked.
 */
public enum QueryMethod {
    AUTO,
    INVERSE_RELATIVE;

    /** What a refusal says about the accepted names. */
    static final String ACCEPTED = "must be [auto] (the stored translator) or [inverse_relative] (no pairwise fit, lower quality)";

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses an API name; a wrong one is a 400 naming {@code [method]} and the accepted names. */
    public static QueryMethod fromApiName(String name) {
        for (QueryMethod m : values()) {
            if (m.apiName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("[method] " + refusal(name));
    }

    /** Why {@code name} is refused, without the field name, for callers that add it in their own format. */
    public static String refusal(String name) {
        return ACCEPTED + ", got [" + name + "]";
    }
}
