package org.latentbridge.core.fit;

import java.util.List;
import java.util.Map;

/**
 * Reads the entries of a stored map ({@code toMap()} forms read back by {@code fromMap}); a missing or malformed entry is
 * an {@link IllegalArgumentException} that names {@code what} was being read and the key.
 */
final class StoredValues {
    private StoredValues() {}

    static String string(Map<String, ?> m, String what, String key) {
        if (m.get(key) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException(what + " [" + key + "] must be a string, got [" + m.get(key) + "]");
    }

    static double number(Map<String, ?> m, String what, String key) {
        if (m.get(key) instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException(what + " [" + key + "] must be a number, got [" + m.get(key) + "]");
    }

    static double[] doubles(Map<String, ?> m, String what, String key) {
        if (m.get(key) instanceof List<?> list) {
            double[] out = new double[list.size()];
            for (int i = 0; i < out.length; i++) {
                if (list.get(i) instanceof Number n) {
                    out[i] = n.doubleValue();
                } else {
                    throw new IllegalArgumentException(what + " [" + key + "][" + i + "] must be a number, got [" + list.get(i) + "]");
                }
            }
            return out;
        }
        throw new IllegalArgumentException(what + " [" + key + "] must be an array of numbers, got [" + m.get(key) + "]");
    }
}
