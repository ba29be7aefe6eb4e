package org.latentbridge.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Checks the real encoders (shape, normalisation, order, role prefixes) and the on-disk embedding cache (keys, format,
 * that hits are read from disk); {@link EncoderCorpusIT} checks that they capture meaning on the corpus.
 */
class EncoderTests {

    private static final List<String> TEXTS = List.of(
            "open and possibly create a file",
            "kernel memory management routines",
            "Intel PRO/1000 Gigabit Ethernet adapter driver");

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    @ParameterizedTest
    @EnumSource(Encoder.class)
    void embeddingsAreUnitVectorsOfTheDeclaredDimension(Encoder encoder) {
        assertEquals(384, encoder.dims());
        for (Role role : Role.values()) {
            float[][] v = encoder.embed(TEXTS, role);
            assertEquals(TEXTS.size(), v.length);
            for (float[] row : v) {
                assertEquals(384, row.length);
                assertEquals(1.0, norm(row), 1e-4);
            }
            assertTrue(cosine(v[0], v[1]) < 0.99, "distinct texts should not collapse to one vector");
        }
    }

    @ParameterizedTest
    @EnumSource(Encoder.class)
    void outputFollowsInputOrderAndIsDeterministic(Encoder encoder) {
        float[][] forward = encoder.embed(TEXTS, Role.DOCUMENT);
        float[][] reversed = encoder.embed(TEXTS.reversed(), Role.DOCUMENT);
        for (int i = 0; i < TEXTS.size(); i++) {
            assertArrayEquals(forward[i], reversed[TEXTS.size() - 1 - i], 1e-5f);
        }
    }

    @Test
    void rolesFormatTextAsEachModelExpects() {
        assertEquals("query: x", Encoder.E5_SMALL.format("x", Role.QUERY));
        assertEquals("passage: x", Encoder.E5_SMALL.format("x", Role.DOCUMENT));
        assertEquals("Represent this sentence for searching relevant passages: x", Encoder.BGE_SMALL.format("x", Role.QUERY));
        assertEquals("x", Encoder.BGE_SMALL.format("x", Role.DOCUMENT));
        assertEquals("x", Encoder.MINILM.format("x", Role.QUERY));
        assertEquals("x", Encoder.MINILM.format("x", Role.DOCUMENT));
        for (Encoder e : Encoder.values()) {
            assertEquals(e, Encoder.byId(e.id()));
        }
        assertEquals(List.of("minilm", "bge-small", "e5-small"), List.of(Encoder.values()).stream().map(Encoder::id).toList());
        // asymmetric models really embed the two roles differently; MiniLM does not
        float[] q = Encoder.E5_SMALL.embed(List.of(TEXTS.get(0)), Role.QUERY)[0];
        float[] d = Encoder.E5_SMALL.embed(List.of(TEXTS.get(0)), Role.DOCUMENT)[0];
        assertTrue(cosine(q, d) < 0.999);
        assertArrayEquals(Encoder.MINILM.embed(List.of(TEXTS.get(0)), Role.QUERY)[0],
                Encoder.MINILM.embed(List.of(TEXTS.get(0)), Role.DOCUMENT)[0], 1e-6f);
    }

    @Test
    void blankTextsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Encoder.MINILM.embed(List.of("ok", " "), Role.QUERY));
    }

    @Test
    void cacheRoundTripsAndReadsHitsFromDisk(@TempDir Path dir) throws IOException {
        EmbeddingCache cache = new EmbeddingCache(dir);
        assertFalse(cache.contains(Encoder.MINILM, Role.DOCUMENT, TEXTS));
        float[][] computed = cache.embed(Encoder.MINILM, Role.DOCUMENT, TEXTS);
        Path file = cache.fileFor(Encoder.MINILM, Role.DOCUMENT, TEXTS);
        assertTrue(Files.isRegularFile(file));
        assertEquals(12 + 4L * TEXTS.size() * 384, Files.size(file));
        assertTrue(cache.contains(Encoder.MINILM, Role.DOCUMENT, TEXTS));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary files may be left behind");
        }

        float[][] again = cache.embed(Encoder.MINILM, Role.DOCUMENT, TEXTS);
        assertEquals(computed.length, again.length);
        for (int i = 0; i < computed.length; i++) {
            assertArrayEquals(computed[i], again[i], 0f);
        }

        // The format is little-endian: header (magic, n, d) then floats. Overwrite one value and see it come
        // back, which proves the second call reads the file instead of re-encoding.
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x4C424531, buf.getInt(0));
        assertEquals(TEXTS.size(), buf.getInt(4));
        assertEquals(384, buf.getInt(8));
        assertEquals(computed[0][0], buf.getFloat(12), 0f);
        buf.putFloat(12, 42f);
        Files.write(file, bytes);
        assertEquals(42f, cache.embed(Encoder.MINILM, Role.DOCUMENT, TEXTS)[0][0], 0f);

        // a damaged file is ignored and rewritten
        Files.write(file, new byte[] {1, 2, 3});
        assertArrayEquals(computed[1], cache.embed(Encoder.MINILM, Role.DOCUMENT, TEXTS)[1], 0f);
        assertEquals(12 + 4L * TEXTS.size() * 384, Files.size(file));
    }

    @Test
    void cacheKeysDependOnEncoderRoleAndEveryText() {
        EmbeddingCache cache = new EmbeddingCache(Path.of("unused"));
        Path base = cache.fileFor(Encoder.E5_SMALL, Role.QUERY, TEXTS);
        assertEquals(base, cache.fileFor(Encoder.E5_SMALL, Role.QUERY, List.copyOf(TEXTS)));
        assertNotEquals(base, cache.fileFor(Encoder.E5_SMALL, Role.DOCUMENT, TEXTS));
        assertNotEquals(base, cache.fileFor(Encoder.BGE_SMALL, Role.QUERY, TEXTS));
        assertNotEquals(base, cache.fileFor(Encoder.E5_SMALL, Role.QUERY, List.of(TEXTS.get(0), TEXTS.get(1), TEXTS.get(2) + ".")));
        // a boundary moved between two texts must not collide
        assertNotEquals(cache.fileFor(Encoder.MINILM, Role.QUERY, List.of("ab", "c")),
                cache.fileFor(Encoder.MINILM, Role.QUERY, List.of("a", "bc")));
        assertTrue(base.getFileName().toString().startsWith("e5-small-query-3-"), base.toString());
    }
}
