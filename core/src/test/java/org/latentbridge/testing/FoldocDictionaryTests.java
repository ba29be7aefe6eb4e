package org.latentbridge.testing;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The FOLDOC parsing rules on inline entries; {@link FoldocDictionaryIT} checks the fetched dictionary. */
class FoldocDictionaryTests {

    @Test
    void dictdNumbersDecode() {
        assertEquals(0, FoldocDictionary.decode("A"));
        assertEquals(64 + 1, FoldocDictionary.decode("BB"));
        assertEquals(63, FoldocDictionary.decode("/"));
    }

    @Test
    void definitionsAreCleanProse() {
        String entry = "abstract data type\n\n   <programming> (ADT) A kind of {data abstraction} where a\n   type's internal form "
            + "is hidden (http://example.org/x).\n\n   (2003-07-03)\n";
        assertEquals("(ADT) A kind of data abstraction where a type's internal form is hidden .", FoldocDictionary.definition(entry));
    }
}
