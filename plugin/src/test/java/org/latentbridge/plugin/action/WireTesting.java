package org.latentbridge.plugin.action;

import org.elasticsearch.common.Strings;
import org.elasticsearch.common.io.stream.BytesStreamOutput;
import org.elasticsearch.common.io.stream.StreamInput;
import org.elasticsearch.common.io.stream.Writeable;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.core.CheckedFunction;
import org.elasticsearch.xcontent.ToXContent;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentParserConfiguration;
import org.elasticsearch.xcontent.json.JsonXContent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

/** Helpers for the wire types' tests: a stream round trip, JSON bodies through the REST layer's parsing, and JSON out. */
public final class WireTesting {
    static {
        // Elasticsearch's exceptions log through its own facade, which a plain JUnit run must install first
        LogConfigurator.configureESLogging();
    }

    private WireTesting() {}

    /** {@code count} vectors of {@code dims} standard normal values from {@code random}. */
    public static float[][] randomVectors(Random random, int count, int dims) {
        float[][] vectors = new float[count][dims];
        for (float[] v : vectors) {
            for (int j = 0; j < dims; j++) {
                v[j] = (float) random.nextGaussian();
            }
        }
        return vectors;
    }

    /** {@code original} written and read back; asserts the copy equals it, with the same hash code. */
    public static <T extends Writeable> T assertRoundTrip(T original, Writeable.Reader<T> reader) throws IOException {
        try (BytesStreamOutput out = new BytesStreamOutput()) {
            original.writeTo(out);
            try (StreamInput in = out.bytes().streamInput()) {
                T copy = reader.read(in);
                assertNotSame(original, copy);
                assertEquals(original, copy);
                assertEquals(original.hashCode(), copy.hashCode());
                assertEquals(0, in.available(), "the reader consumed everything written");
                return copy;
            }
        }
    }

    /** Parses {@code body} as the REST layer does: one JSON object, nothing after it. */
    public static <T> T parse(byte[] body, CheckedFunction<XContentParser, T, IOException> parse) throws IOException {
        try (XContentParser parser = JsonXContent.jsonXContent.createParser(XContentParserConfiguration.EMPTY, body)) {
            return StrictXContent.parseWhole(parser, parse);
        }
    }

    public static <T> T parse(String body, CheckedFunction<XContentParser, T, IOException> parse) throws IOException {
        return parse(body.getBytes(StandardCharsets.UTF_8), parse);
    }

    public static String json(ToXContent value) {
        return Strings.toString(value);
    }

    /** The messages of an exception and its causes, for asserting that an error names what is wrong. */
    public static String messages(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            s.append(t.getMessage()).append(" / ");
        }
        return s.toString();
    }
}
