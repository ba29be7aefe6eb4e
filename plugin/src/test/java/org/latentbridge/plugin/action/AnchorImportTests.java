package org.latentbridge.plugin.action;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an import from an index accepts as its index and as anchor ids. */
class AnchorImportTests {

    @Test
    void oneIndexOrAliasIsAcceptedAndPatternsAreRefusedNamingTheField() {
        assertEquals("docs", ModelActions.TransportPutAnchors.checkImportIndex("docs"));
        assertEquals("my-alias.v2", ModelActions.TransportPutAnchors.checkImportIndex("my-alias.v2"));
        for (String pattern : List.of("*", "docs*", "a,b", "_all", "-docs", "<logs-{now/d}>", "remote:docs", " ")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelActions.TransportPutAnchors.checkImportIndex(pattern));
            assertTrue(e.getMessage().startsWith("[source][index] must name one index or alias"), e.getMessage());
        }
    }

    @Test
    void idsAreStringsOrNumbersAndAnythingElseNamesTheDocument() {
        assertEquals("a1", ModelActions.TransportPutAnchors.importedId("docs", "d1", "aid", "a1"));
        assertEquals("42", ModelActions.TransportPutAnchors.importedId("docs", "d1", "aid", 42));
        assertEquals("4.5", ModelActions.TransportPutAnchors.importedId("docs", "d1", "aid", 4.5));
        for (Object bad : List.of(Map.of("a", 0), List.of("x", "y"), true)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelActions.TransportPutAnchors.importedId("docs", "d7", "aid", bad));
            assertTrue(e.getMessage().contains("[source] document [d7] of [docs]: [aid] must be a string or a number"), e.getMessage());
        }
    }
}
