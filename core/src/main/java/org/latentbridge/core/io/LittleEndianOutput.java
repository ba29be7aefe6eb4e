package org.latentbridge.core.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Appends little-endian primitives, float arrays and UTF-8 strings to a growing byte array. */
final class LittleEndianOutput {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

    LittleEndianOutput writeInt(int v) {
        bytes.write(scratch.clear().putInt(v).array(), 0, 4);
        return this;
    }

    LittleEndianOutput writeDouble(double v) {
        bytes.write(scratch.clear().putDouble(v).array(), 0, 8);
        return this;
    }

    LittleEndianOutput writeByte(int v) {
        bytes.write(v);
        return this;
    }

    LittleEndianOutput writeString(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeInt(utf8.length);
        bytes.write(utf8, 0, utf8.length);
        return this;
    }

    /** Length, then the raw float32 values. */
    LittleEndianOutput writeFloats(float[] v) {
        writeInt(v.length);
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        bytes.write(b.array(), 0, b.capacity());
        return this;
    }

    byte[] toByteArray() {
        return bytes.toByteArray();
    }
}
