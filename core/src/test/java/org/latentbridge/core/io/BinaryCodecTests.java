package org.latentbridge.core.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.latentbridge.core.TestData;
import org.latentbridge.core.anchor.AnchorSet;
import org.latentbridge.core.translate.Preprocessing;
import org.latentbridge.core.translate.RelativeProjection;
import org.latentbridge.core.translate.SpaceFrame;
import org.latentbridge.core.translate.Translator;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Round trips are exact to the bit; damaged input is refused with a reason. (Fitted translators: TranslatorContractTests.) */
class BinaryCodecTests {

    @Test
    void anchorSetRoundTripIsExact() {
        Random random = new Random(1);
        float[] m = TestData.gaussian(37, 11, random);
        m[5] = Float.MIN_VALUE; // subnormals survive too
        String[] ids = TestData.ids(37);
        ids[3] = "ünïcode id/with:punctuation";
        AnchorSet a = AnchorSet.ofMatrix(11, ids, m);
        AnchorSet back = BinaryCodec.decodeAnchors(BinaryCodec.encode(a));
        assertEquals(a, back);
        assertArrayEquals(a.matrix(), back.matrix());
    }

    @Test
    void relativeProjectionRoundTripIsExact() {
        Random random = new Random(2);
        AnchorSet a = TestData.anchors(TestData.gaussian(50, 6, random), 6);
        RelativeProjection p = RelativeProjection.of(a, SpaceFrame.of(a, Preprocessing.DEFAULT), a.ids().stream().sorted().toList(), 7,
            3.0);
        Translator back = BinaryCodec.decodeTranslator(BinaryCodec.encode(p));
        assertEquals(p, back);
        float[] q = TestData.gaussian(1, 6, random);
        assertArrayEquals(p.translate(q, true), back.translate(q, true));
    }

    @Test
    void damagedFormsAreRefused() {
        Random random = new Random(3);
        byte[] good = BinaryCodec.encode(TestData.anchors(TestData.gaussian(4, 3, random), 3));
        assertMessage(() -> BinaryCodec.decodeAnchors(Arrays.copyOf(good, good.length - 3)), "corrupt");
        byte[] wrongMagic = good.clone();
        wrongMagic[0] ^= 1;
        assertMessage(() -> BinaryCodec.decodeAnchors(wrongMagic), "not the binary form of a anchor set");
        byte[] wrongVersion = good.clone();
        wrongVersion[4] = 9;
        assertMessage(() -> BinaryCodec.decodeAnchors(wrongVersion), "unsupported anchor set format version [9]");
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertMessage(() -> BinaryCodec.decodeAnchors(trailing), "trailing");
        assertMessage(() -> BinaryCodec.decodeTranslator(good), "not the binary form of a translator");
    }

    private static void assertMessage(Executable e, String fragment) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(fragment), ex.getMessage());
    }
}
