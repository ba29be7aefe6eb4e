package org.latentbridge.core.io;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Reads what {@link LittleEndianOutput} wrote; truncated or oversized fields are reported, never half-read. */
final class LittleEndianInput {
    private final ByteBuffer in;

    LittleEndianInput(byte[] bytes) {
        in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    int readInt() {
        try {
            return in.getInt();
        } catch (BufferUnderflowException e) {
            throw truncated();
        }
    }

    double readDouble() {
        try {
            return in.getDouble();
        } catch (BufferUnderflowException e) {
            throw truncated();
        }
    }

    int readByte() {
        try {
            return in.get() & 0xff;
        } catch (BufferUnderflowException e) {
            throw truncated();
        }
    }

    String readString() {
        byte[] utf8 = new byte[checkedLength(1)];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    float[] readFloats() {
        float[] v = new float[checkedLength(4)];
        in.asFloatBuffer().get(v);
        in.position(in.position() + 4 * v.length);
        return v;
    }

    private int checkedLength(int elementBytes) {
        int n = readInt();
        if (n < 0 || (long) n * elementBytes > in.remaining()) {
            throw new IllegalArgumentException("corrupt binary form: a field claims [" + n + "] elements but ["
                + in.remaining() + "] bytes remain");
        }
        return n;
    }

    void expectEnd() {
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("corrupt binary form: [" + in.remaining() + "] unexpected trailing bytes");
        }
    }

    private static IllegalArgumentException truncated() {
        return new IllegalArgumentException("corrupt binary form: truncated");
    }
}
