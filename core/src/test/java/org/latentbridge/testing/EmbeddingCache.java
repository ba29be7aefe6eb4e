package org.latentbridge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Embeddings on disk, so the corpus is embedded once per machine rather than once per test run: encoding a
 * few thousand man pages takes minutes, reading them back takes milliseconds.
 *
 * <p>An entry is keyed by the encoder id, the role and a SHA-256 over the exact model inputs (prefixes
 * included) and the model name, so any change to the corpus parser, the prefixes or the text list is a
 * different key. Files are {@code <dir>/<encoder>-<role>-<n>-<hash>.f32}: a little-endian header (magic
 * {@code 0x4C424531} "LBE1", int n, int d) followed by n*d little-endian floats, written to a temporary file and
 * moved into place so concurrent builds never read a partial file.
 */
public final class EmbeddingCache {

    private static final int MAGIC = 0x4C424531;
    private static final int HEADER_BYTES = 12;

    private final Path dir;

    /** A cache in {@code dir} (created on first write). */
    public EmbeddingCache(Path dir) {
        this.dir = dir;
    }

    /** The shared cache: {@code <latent.cache.dir>/embeddings}. */
    public static EmbeddingCache shared() {
        return new EmbeddingCache(ManPageCorpus.cacheDir().resolve("embeddings"));
    }

    public Path dir() {
        return dir;
    }

    /**
     * The embeddings of {@code texts} for {@code role}, from disk when present, otherwise computed with
     * {@link Encoder#embed} and stored. Unit-length vectors in input order.
     */
    public float[][] embed(Encoder encoder, Role role, List<String> texts) {
        return embed(encoder, role, texts, null);
    }

    /** As {@link #embed(Encoder, Role, List)}; a computed entry reports to {@code progress} (null: stderr lines). */
    public float[][] embed(Encoder encoder, Role role, List<String> texts, Encoder.Progress progress) {
        Path file = fileFor(encoder, role, texts);
        float[][] cached = read(file, texts.size(), encoder.dims());
        if (cached != null) {
            return cached;
        }
        float[][] vectors = progress == null ? encoder.embed(texts, role) : encoder.embed(texts, role, progress);
        write(file, vectors, encoder.dims());
        return vectors;
    }

    /** Whether an entry for these inputs is already on disk. */
    public boolean contains(Encoder encoder, Role role, List<String> texts) {
        return read(fileFor(encoder, role, texts), texts.size(), encoder.dims()) != null;
    }

    /** The file an entry for these inputs lives in. */
    public Path fileFor(Encoder encoder, Role role, List<String> texts) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update(("latent-bridge-embeddings-v1\n" + encoder.id() + "\n" + encoder.modelName() + "\n" + role + "\n")
                .getBytes(StandardCharsets.UTF_8));
        ByteBuffer len = ByteBuffer.allocate(4);
        for (String t : texts) {
            byte[] bytes = encoder.format(t, role).getBytes(StandardCharsets.UTF_8);
            sha.update(len.clear().putInt(bytes.length).flip());
            sha.update(bytes);
        }
        String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 32);
        String name = encoder.id() + "-" + role.name().toLowerCase(Locale.ROOT) + "-" + texts.size() + "-" + hash + ".f32";
        return dir.resolve(name);
    }

    /** The entry's vectors, or null when absent or not the expected shape (then it is recomputed). */
    private static float[][] read(Path file, int n, int d) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length != HEADER_BYTES + 4L * n * d || buf.getInt() != MAGIC || buf.getInt() != n || buf.getInt() != d) {
            System.err.println("[latent-bridge] ignoring malformed embedding cache file " + file);
            return null;
        }
        float[][] out = new float[n][d];
        var floats = buf.asFloatBuffer();
        for (float[] row : out) {
            floats.get(row);
        }
        return out;
    }

    private void write(Path file, float[][] vectors, int d) {
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + 4 * vectors.length * d).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(MAGIC).putInt(vectors.length).putInt(d);
        for (float[] row : vectors) {
            for (float x : row) {
                buf.putFloat(x);
            }
        }
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                Files.write(tmp, buf.array());
                try {
                    // temporary files are created owner-only; cache entries are plain data others may read
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: keep the default
                }
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
