package org.latentbridge.plugin.action;

import org.latentbridge.plugin.LatentExceptions;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, validated access to a JSON request body. Every error is a 400 whose message names the offending field,
 * e.g. {@code [vectors][3][17] must be a finite number, got [NaN]}.
 */
public final class Body {
    private final Map<String, Object> map;

    Body(Map<String, Object> map, Set<String> allowed) {
        this.map = map;
        for (String key : map.keySet()) {
            if (allowed.contains(key) == false) {
                throw LatentExceptions.badRequest("unknown field [" + key + "], expected one of " + new TreeSet<>(allowed));
            }
        }
    }

    public boolean has(String field) {
        return map.containsKey(field) && map.get(field) != null;
    }

    public String string(String field, String defaultValue) {
        Object v = map.get(field);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof String s) {
            return s;
        }
        throw LatentExceptions.badRequest("[" + field + "] must be a string, got [" + v + "]");
    }

    public String requiredString(String field) {
        String s = string(field, null);
        if (s == null || s.isBlank()) {
            throw LatentExceptions.badRequest("[" + field + "] is required");
        }
        return s;
    }

    public Integer integer(String field, Integer defaultValue) {
        Object v = map.get(field);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Long l) {
            throw LatentExceptions.badRequest("[" + field + "] must be an integer of at most [" + Integer.MAX_VALUE
                + "] in magnitude, got [" + l + "]");
        }
        throw LatentExceptions.badRequest("[" + field + "] must be an integer, got [" + v + "]");
    }

    public Double number(String field, Double defaultValue) {
        Object v = map.get(field);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw LatentExceptions.badRequest("[" + field + "] must be a number, got [" + v + "]");
    }

    public Boolean bool(String field, Boolean defaultValue) {
        Object v = map.get(field);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw LatentExceptions.badRequest("[" + field + "] must be true or false, got [" + v + "]");
    }

    public List<String> strings(String field, List<String> defaultValue) {
        Object v = map.get(field);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof String s) {
                    out.add(s);
                } else {
                    throw LatentExceptions.badRequest("[" + field + "][" + i + "] must be a string, got [" + list.get(i) + "]");
                }
            }
            return out;
        }
        throw LatentExceptions.badRequest("[" + field + "] must be an array of strings");
    }

    /** A nested object, validated the same way. */
    @SuppressWarnings("unchecked")
    public Body object(String field, Set<String> allowed) {
        Object v = map.get(field);
        if (v == null) {
            return new Body(Map.of(), allowed);
        }
        if (v instanceof Map<?, ?> m) {
            try {
                return new Body((Map<String, Object>) m, allowed);
            } catch (IllegalArgumentException e) {
                throw LatentExceptions.badRequest("[" + field + "] " + e.getMessage());
            }
        }
        throw LatentExceptions.badRequest("[" + field + "] must be an object");
    }

    /**
     * Vectors of exactly {@code dims} finite numbers each: JSON arrays, or base64 strings of little-endian float32 (one
     * string per vector). Ragged arrays, non-numeric and non-finite values, and wrong lengths are refused by position.
     */
    public float[][] vectors(String field, int dims, int maxCount) {
        Object v = map.get(field);
        if (v == null) {
            throw LatentExceptions.badRequest("[" + field + "] is required");
        }
        if ((v instanceof List<?>) == false) {
            throw LatentExceptions.badRequest("[" + field + "] must be an array of vectors");
        }
        List<?> list = (List<?>) v;
        if (list.isEmpty()) {
            throw LatentExceptions.badRequest("[" + field + "] must not be empty");
        }
        if (list.size() > maxCount) {
            throw LatentExceptions.badRequest("[" + field + "] holds [" + list.size() + "] vectors, more than the node's limit of ["
                + maxCount + "] per request; send several requests");
        }
        float[][] out = new float[list.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = vector(field + "][" + i, list.get(i), dims);
        }
        return out;
    }

    static float[] vector(String where, Object item, int dims) {
        float[] vec;
        if (item instanceof String s) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                throw LatentExceptions.badRequest("[" + where + "] is not valid base64: " + e.getMessage());
            }
            if (bytes.length % 4 != 0) {
                throw LatentExceptions.badRequest("[" + where + "] base64 must decode to little-endian float32 values, got [" + bytes.length
                    + "] bytes");
            }
            vec = new float[bytes.length / 4];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vec);
        } else if (item instanceof List<?> values) {
            vec = new float[values.size()];
            for (int j = 0; j < vec.length; j++) {
                if (values.get(j) instanceof Number n) {
                    vec[j] = n.floatValue();
                    if (Double.isFinite(n.doubleValue()) == false || Float.isFinite(vec[j]) == false) {
                        throw LatentExceptions.badRequest("[" + where + "][" + j + "] must be a finite number, got [" + n + "]");
                    }
                } else {
                    throw LatentExceptions.badRequest("[" + where + "][" + j + "] must be a number, got [" + values.get(j) + "]");
                }
            }
        } else {
            throw LatentExceptions.badRequest("[" + where + "] must be an array of numbers or a base64 string");
        }
        if (vec.length != dims) {
            throw LatentExceptions.badRequest("[" + where + "] has wrong dimensions: expected [" + dims + "] but got [" + vec.length + "]");
        }
        for (int j = 0; j < vec.length; j++) {
            if (Float.isFinite(vec[j]) == false) {
                throw LatentExceptions.badRequest("[" + where + "][" + j + "] must be a finite number, got [" + vec[j] + "]");
            }
        }
        return vec;
    }
}
