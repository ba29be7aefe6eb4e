package org.latentbridge.core.io;

import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.translate.KernelTranslator;
import org.latentbridge.core.translate.LinearTranslator;
import org.latentbridge.core.translate.Method;
import org.latentbridge.core.translate.Preprocessing;
import org.latentbridge.core.translate.RelativeProjection;
import org.latentbridge.core.translate.SpaceFrame;
import org.latentbridge.core.translate.Translator;

import java.util.ArrayList;
import java.util.List;

/**
 * The compact, versioned binary form of translators and anchor sets, as stored by the plugin. Little-endian; float32
 * values are written bit for bit, so a round trip is exact. Every form opens with a magic number and a format
 * version; readers refuse versions they do not know rather than guess.
 */
public final class BinaryCodec {
    /** "LBTR": a translator. */
    static final int TRANSLATOR_MAGIC = 0x5254424C;
    /** "LBAS": an anchor set. */
    static final int ANCHORS_MAGIC = 0x5341424C;
    public static final int FORMAT_VERSION = 1;
    private static final int KIND_LINEAR = 1, KIND_RELATIVE = 2, KIND_KERNEL = 3;

    private BinaryCodec() {}

    public static byte[] encode(Translator translator) {
        LittleEndianOutput out = new LittleEndianOutput().writeInt(TRANSLATOR_MAGIC).writeInt(FORMAT_VERSION);
        if (translator instanceof LinearTranslator t) {
            out.writeByte(KIND_LINEAR).writeString(t.method().apiName()).writeInt(t.anchorCount());
            writeFrame(out, t.source());
            writeFrame(out, t.target());
            out.writeFloats(t.matrix()).writeFloats(t.bias());
        } else if (translator instanceof KernelTranslator t) {
            out.writeByte(KIND_KERNEL).writeInt(t.anchorCount());
            writeFrame(out, t.source());
            writeFrame(out, t.target());
            out.writeFloats(t.rotation()).writeFloats(t.centres()).writeFloats(t.coefficients()).writeDouble(t.temperature());
        } else if (translator instanceof RelativeProjection p) {
            out.writeByte(KIND_RELATIVE);
            writeFrame(out, p.frame());
            List<String> ids = p.ids();
            out.writeInt(ids.size());
            ids.forEach(out::writeString);
            out.writeFloats(p.anchorRows()).writeInt(p.topK() == null ? -1 : p.topK()).writeDouble(p.exponent());
        } else {
            throw new IllegalArgumentException("no binary form for [" + translator.getClass().getName() + "]");
        }
        return out.toByteArray();
    }

    public static Translator decodeTranslator(byte[] bytes) {
        LittleEndianInput in = new LittleEndianInput(bytes);
        checkHeader(in, TRANSLATOR_MAGIC, "translator");
        int kind = in.readByte();
        Translator t = switch (kind) {
            case KIND_LINEAR -> {
                Method method = Method.fromApiName(in.readString());
                int anchors = in.readInt();
                SpaceFrame source = readFrame(in), target = readFrame(in);
                yield new LinearTranslator(method, source, target, in.readFloats(), in.readFloats(), anchors);
            }
            case KIND_KERNEL -> {
                int anchors = in.readInt();
                SpaceFrame source = readFrame(in), target = readFrame(in);
                yield new KernelTranslator(source, target, in.readFloats(), in.readFloats(), in.readFloats(), in.readDouble(), anchors);
            }
            case KIND_RELATIVE -> {
                SpaceFrame frame = readFrame(in);
                int n = in.readInt();
                List<String> ids = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    ids.add(in.readString());
                }
                float[] rows = in.readFloats();
                int topK = in.readInt();
                double exponent = in.readDouble();
                yield RelativeProjection.fromParts(frame, ids.toArray(String[]::new), rows, topK < 0 ? null : topK, exponent);
            }
            default -> throw new IllegalArgumentException("corrupt binary form: unknown translator kind [" + kind + "]");
        };
        in.expectEnd();
        return t;
    }

    public static byte[] encode(AnchorSet anchors) {
        LittleEndianOutput out = new LittleEndianOutput().writeInt(ANCHORS_MAGIC).writeInt(FORMAT_VERSION).writeInt(anchors.dims());
        out.writeInt(anchors.size());
        for (int i = 0; i < anchors.size(); i++) {
            out.writeString(anchors.id(i));
        }
        return out.writeFloats(anchors.matrix()).toByteArray();
    }

    public static AnchorSet decodeAnchors(byte[] bytes) {
        LittleEndianInput in = new LittleEndianInput(bytes);
        checkHeader(in, ANCHORS_MAGIC, "anchor set");
        int dims = in.readInt(), n = in.readInt();
        if (n < 0 || n > bytes.length) {
            throw new IllegalArgumentException("corrupt binary form: [" + n + "] anchors");
        }
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = in.readString();
        }
        float[] matrix = in.readFloats();
        in.expectEnd();
        return AnchorSet.ofMatrix(dims, ids, matrix);
    }

    private static void checkHeader(LittleEndianInput in, int magic, String what) {
        if (in.readInt() != magic) {
            throw new IllegalArgumentException("not the binary form of a " + what);
        }
        int version = in.readInt();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported " + what + " format version [" + version + "], this build reads ["
                + FORMAT_VERSION + "]");
        }
    }

    private static void writeFrame(LittleEndianOutput out, SpaceFrame f) {
        Preprocessing p = f.preprocessing();
        out.writeByte((p.center() ? 1 : 0) | (p.standardize() ? 2 : 0) | (p.normalize() ? 4 : 0)).writeDouble(p.meanWeight());
        out.writeFloats(f.mean()).writeFloats(f.std()).writeDouble(f.scale());
    }

    private static SpaceFrame readFrame(LittleEndianInput in) {
        int flags = in.readByte();
        Preprocessing p = new Preprocessing((flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, in.readDouble());
        return new SpaceFrame(p, in.readFloats(), in.readFloats(), in.readDouble());
    }
}
