package org.latentbridge.plugin.action;

import org.elasticsearch.core.CheckedFunction;
import org.elasticsearch.xcontent.XContentParseException;
import org.elasticsearch.xcontent.XContentParser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Value readers for {@code ObjectParser} fields that take exactly the JSON type they name. Elasticsearch's own readers
 * coerce ({@code "0.1"} is a number, {@code 4.5} an integer 4, a lone string a one-element array); a request that a
 * coercion would turn into a different fit or model is refused instead. {@code ObjectParser} names the field around
 * each message.
 */
public final class StrictXContent {
    private StrictXContent() {}

    /** Parses a whole body with {@code parse}, refusing anything after the object (a second object, garbage). */
    public static <T> T parseWhole(XContentParser parser, CheckedFunction<XContentParser, T, IOException> parse) throws IOException {
        if (parser.nextToken() != XContentParser.Token.START_OBJECT) {
            throw new XContentParseException(parser.getTokenLocation(), "the request body must be a JSON object, got ["
                + parser.currentToken() + "]");
        }
        T value = parse.apply(parser);
        if (parser.nextToken() != null) {
            throw new XContentParseException(parser.getTokenLocation(), "the request body has content after its JSON object");
        }
        return value;
    }

    public static int intValue(XContentParser p) throws IOException {
        long v = longValue(p);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("must be an integer within [" + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "], got ["
                + v + "]");
        }
        return (int) v;
    }

    public static long longValue(XContentParser p) throws IOException {
        requireNumber(p, "an integer");
        return switch (p.numberType()) {
            case INT, LONG -> p.longValue();
            case BIG_INTEGER -> throw new IllegalArgumentException("must be an integer within [" + Long.MIN_VALUE + ", " + Long.MAX_VALUE
                + "], got [" + p.text() + "]");
            default -> throw new IllegalArgumentException("must be an integer, got [" + p.text() + "]");
        };
    }

    public static double doubleValue(XContentParser p) throws IOException {
        requireNumber(p, "a number");
        double v = p.doubleValue();
        if (Double.isFinite(v) == false) {
            throw new IllegalArgumentException("must be a finite number, got [" + p.text() + "]");
        }
        return v;
    }

    /** An array of strings; a lone string is refused, not read as a one-element array. */
    public static List<String> stringList(XContentParser p) throws IOException {
        if (p.currentToken() != XContentParser.Token.START_ARRAY) {
            throw new IllegalArgumentException("must be an array of strings, got " + describe(p));
        }
        List<String> out = new ArrayList<>();
        while (p.nextToken() != XContentParser.Token.END_ARRAY) {
            if (p.currentToken() != XContentParser.Token.VALUE_STRING) {
                throw new IllegalArgumentException("[" + out.size() + "] must be a string, got " + describe(p));
            }
            out.add(p.text());
        }
        return out;
    }

    /**
     * A vector of finite float32 numbers: a JSON array, or a base64 string of little-endian float32 values. Its length is
     * the caller's to check against the model's dimension, which is known only later.
     */
    public static float[] vector(XContentParser p) throws IOException {
        if (p.currentToken() == XContentParser.Token.VALUE_STRING) {
            return base64Vector(p.text());
        }
        if (p.currentToken() != XContentParser.Token.START_ARRAY) {
            throw new IllegalArgumentException("must be an array of numbers or a base64 string, got " + describe(p));
        }
        float[] vector = new float[16];
        int n = 0;
        while (p.nextToken() != XContentParser.Token.END_ARRAY) {
            if (p.currentToken() != XContentParser.Token.VALUE_NUMBER) {
                throw new IllegalArgumentException("[" + n + "] must be a number, got " + describe(p));
            }
            float v = p.floatValue();
            if (Double.isFinite(p.doubleValue()) == false || Float.isFinite(v) == false) {
                // a number beyond float32's range is refused too: it would be stored as an infinity
                throw new IllegalArgumentException("[" + n + "] must be a finite number, got [" + p.text() + "]");
            }
            if (n == vector.length) {
                vector = Arrays.copyOf(vector, n * 2);
            }
            vector[n++] = v;
        }
        return Arrays.copyOf(vector, n);
    }

    /** A vector sent as a base64 string of little-endian float32 values, each finite; an error names the component. */
    public static float[] base64Vector(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not valid base64: " + e.getMessage());
        }
        if (bytes.length % 4 != 0) {
            throw new IllegalArgumentException("base64 must decode to little-endian float32 values, got [" + bytes.length + "] bytes");
        }
        float[] vector = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        for (int i = 0; i < vector.length; i++) {
            if (Float.isFinite(vector[i]) == false) {
                throw new IllegalArgumentException("[" + i + "] must be a finite number, got [" + vector[i] + "]");
            }
        }
        return vector;
    }

    private static void requireNumber(XContentParser p, String what) throws IOException {
        if (p.currentToken() != XContentParser.Token.VALUE_NUMBER) {
            throw new IllegalArgumentException("must be " + what + ", got " + describe(p));
        }
    }

    private static String describe(XContentParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_STRING -> "the string [" + p.text() + "]";
            case VALUE_NUMBER -> "the number [" + p.text() + "]";
            case VALUE_BOOLEAN -> "[" + p.text() + "]";
            case VALUE_NULL -> "null";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> "[" + p.currentToken() + "]";
        };
    }
}
