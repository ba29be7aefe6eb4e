package org.latentbridge.plugin.store;

import org.elasticsearch.ElasticsearchStatusException;
import org.elasticsearch.rest.RestStatus;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Typed, named reads of a document stored in the system index. Every value is checked for its type, so a damaged
 * document fails with a 500 that names the document, the field and what to do, never with a bare
 * {@link ClassCastException} or {@link NullPointerException}, and never with a 400: the caller's request was fine, our
 * stored data is not.
 */
final class StoredSource {
    /** The field of a stored body that says which layout the document has; documents written before it are version 1. */
    static final String FORMAT_VERSION_FIELD = "format_version";

    private final Map<String, Object> map;
    private final String document;
    private final String remedy;

    /**
     * @param document names the document in errors, e.g. {@code latent model [m]}
     * @param remedy   what the user can do about damage, e.g. {@code re-upload its anchors}
     */
    StoredSource(Map<String, Object> map, String document, String remedy) {
        if (map == null) {
            throw damaged(document, "its source is missing", remedy, null);
        }
        this.map = map;
        this.document = document;
        this.remedy = remedy;
    }

    /** A 500: stored data of ours that cannot be read. */
    static ElasticsearchStatusException damaged(String document, String problem, String remedy, Throwable cause) {
        return new ElasticsearchStatusException("stored data of " + document + " is damaged: " + problem + "; " + remedy,
            RestStatus.INTERNAL_SERVER_ERROR, cause);
    }

    ElasticsearchStatusException damaged(String problem, Throwable cause) {
        return damaged(document, problem, remedy, cause);
    }

    boolean has(String field) {
        return map.get(field) != null;
    }

    private Object required(String field) {
        Object v = map.get(field);
        if (v == null) {
            throw damaged("field [" + field + "] is missing", null);
        }
        return v;
    }

    private ElasticsearchStatusException wrongType(String field, String expected, Object v) {
        return damaged("field [" + field + "] must be " + expected + ", found [" + v.getClass().getSimpleName() + "]", null);
    }

    String string(String field) {
        Object v = required(field);
        if (v instanceof String s) {
            return s;
        }
        throw wrongType(field, "a string", v);
    }

    String optionalString(String field) {
        return has(field) ? string(field) : null;
    }

    long longValue(String field) {
        Object v = required(field);
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        throw wrongType(field, "an integer", v);
    }

    int intValue(String field) {
        long v = longValue(field);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw damaged("field [" + field + "] is out of range: [" + v + "]", null);
        }
        return (int) v;
    }

    int nonNegativeInt(String field) {
        int v = intValue(field);
        if (v < 0) {
            throw damaged("field [" + field + "] must not be negative, found [" + v + "]", null);
        }
        return v;
    }

    /** The document's layout version: 1 when absent (written before versions were recorded). */
    int formatVersion(int newestKnown) {
        int v = has(FORMAT_VERSION_FIELD) ? intValue(FORMAT_VERSION_FIELD) : 1;
        if (v < 1 || v > newestKnown) {
            throw damaged("[" + FORMAT_VERSION_FIELD + "] is [" + v + "] but this node reads versions 1 to [" + newestKnown
                + "] (was it written by a newer version of the plugin?)", null);
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> rawMap(String field) {
        Object v = required(field);
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw wrongType(field, "an object", v);
    }

    Map<String, Object> optionalRawMap(String field) {
        return has(field) ? rawMap(field) : Map.of();
    }

    /** A nested object, read with the same document name and remedy. */
    StoredSource object(String field) {
        return new StoredSource(rawMap(field), document, remedy);
    }

    StoredSource nested(Map<String, Object> inner, String innerName) {
        if (inner == null) {
            throw damaged(innerName + " is missing", null);
        }
        return new StoredSource(inner, document, remedy);
    }

    List<Object> list(String field) {
        Object v = required(field);
        if (v instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        throw wrongType(field, "an array", v);
    }

    List<String> strings(String field) {
        List<String> out = new ArrayList<>();
        for (Object o : list(field)) {
            if (o instanceof String s) {
                out.add(s);
            } else {
                throw damaged("field [" + field + "] must hold strings, found [" + o + "]", null);
            }
        }
        return out;
    }

    /** A binary field: base64 in a JSON source, raw bytes when the source map came from an object. */
    byte[] binary(String field) {
        Object v = required(field);
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof String s) {
            try {
                return Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                throw damaged("field [" + field + "] is not base64", e);
            }
        }
        throw wrongType(field, "binary", v);
    }
}
