package org.latentbridge.plugin.translate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The query-time method names and the validation of a translation request, the one place both are checked. */
class TranslateSpecTests {

    @Test
    void everyMethodParsesFromItsApiName() {
        for (QueryMethod m : QueryMethod.values()) {
            assertEquals(m, QueryMethod.fromApiName(m.apiName()));
        }
        assertEquals("auto", QueryMethod.AUTO.apiName());
        assertEquals("inverse_relative", QueryMethod.INVERSE_RELATIVE.apiName());
    }

    @Test
    void anyOtherMethodIsRefusedNamingTheFieldTheChoicesAndTheValue() {
        for (String name : new String[] {"orthogonal", "AUTO", "", " auto", "relative"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> QueryMethod.fromApiName(name));
            assertTrue(e.getMessage().startsWith("[method] must be [auto]"), e.getMessage());
            assertTrue(e.getMessage().contains("[inverse_relative]"), e.getMessage());
            assertTrue(e.getMessage().endsWith("got [" + name + "]"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> QueryMethod.fromApiName(null));
    }

    private static TranslateSpec spec(String to, Integer topK, double exponent) {
        return new TranslateSpec("a", to, "query", QueryMethod.AUTO, false, topK, exponent);
    }

    @Test
    void aValidSpecSaysWhatItAsksFor() {
        TranslateSpec relative = spec(TranslateSpec.RELATIVE_TARGET, 3, 2);
        assertTrue(relative.toRelative());
        assertFalse(relative.identity());
        assertTrue(spec("a", null, 1).identity(), "a model into itself");
        assertFalse(spec("b", null, 1).identity());
        assertFalse(spec("b", null, 1).toRelative());
        assertEquals(null, spec("b", null, 1).alignWith());
        assertEquals(TranslateSpec.MAX_EXPONENT, spec(TranslateSpec.RELATIVE_TARGET, null, TranslateSpec.MAX_EXPONENT).exponent());
    }

    @Test
    void badSparsificationIsRefusedNamingTheOption() {
        assertMessage(() -> spec(TranslateSpec.RELATIVE_TARGET, 0, 1), "[top_k] must be at least 1, got [0]");
        assertMessage(() -> spec("b", 5, 1), "[top_k] sparsifies relative vectors");
        for (double exponent : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY, Math.nextUp(TranslateSpec.MAX_EXPONENT)}) {
            assertMessage(() -> spec(TranslateSpec.RELATIVE_TARGET, null, exponent), "[exponent] must be a number in (0, 64.0]");
        }
    }

    @Test
    void missingPartsAreRefusedNamingThem() {
        assertMessage(() -> new TranslateSpec(null, "b", "query", QueryMethod.AUTO, false, null, 1), "[from] is required");
        assertMessage(() -> new TranslateSpec("a", null, "query", QueryMethod.AUTO, false, null, 1), "[to] is required");
        assertMessage(() -> new TranslateSpec("a", "b", null, QueryMethod.AUTO, false, null, 1), "[role] is required");
        assertMessage(() -> new TranslateSpec("a", "b", "query", null, false, null, 1), "[method] is required");
    }

    private static void assertMessage(Runnable make, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::run);
        assertTrue(e.getMessage().contains(fragment), "[" + fragment + "] not in [" + e.getMessage() + "]");
    }
}
