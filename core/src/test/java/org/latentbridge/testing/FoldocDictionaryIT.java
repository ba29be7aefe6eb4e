package org.latentbridge.testing;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The FOLDOC extension of the fetched corpus: clean term/definition pairs, a stable selection, unique ids. An
 * integration test: the corpus is fetched on first use.
 */
class FoldocDictionaryIT {

    @Test
    void theCorpusGrowsPastFiveThousandDocumentsWithUniqueIds() {
        ManPageCorpus base = ManPageCorpus.load();
        ManPageCorpus large = base.withFoldoc(3000);
        assertEquals(base.size() + 3000, large.size());
        assertEquals(large.size(), large.pages().stream().map(ManPage::id).distinct().count());
        assertTrue(large.size() >= 5000, "size " + large.size());
        List<ManPage> terms = large.pages().stream().filter(p -> p.section().equals("foldoc")).toList();
        for (ManPage p : terms) {
            assertTrue(p.description().length() >= FoldocDictionary.MIN_DEFINITION_CHARS, p.toString());
            assertFalse(p.description().contains("{") || p.description().contains("http://"), p.toString());
        }
        ManPage adt = large.byId("foldoc/abstract data type").orElse(null);
        if (adt != null) {
            assertTrue(adt.description().contains("data abstraction"), adt.toString());
        }
        assertEquals(terms, ManPageCorpus.load().withFoldoc(3000).pages().stream().filter(p -> p.section().equals("foldoc")).toList(),
            "the selection is stable");
    }

    @Test
    void theLargeCorpusPassesTenThousandDocumentsWithUniqueIdsAndQueries() {
        ManPageCorpus large = ManPageCorpus.large();
        assertTrue(large.size() >= 10_000, "size " + large.size());
        // The byId map would have refused duplicates; the count makes the claim explicit.
        assertEquals(large.size(), large.pages().stream().map(ManPage::id).distinct().count());
        long extra = large.pages().stream().filter(p -> p.id().startsWith("extra/")).count();
        long foldoc = large.pages().stream().filter(p -> p.section().equals("foldoc")).count();
        assertTrue(extra >= 1_000 && foldoc >= 6_000, "extra " + extra + ", foldoc " + foldoc);
        for (String section : List.of("3tcl", "3tk", "3ncurses", "3alleg4")) {
            assertTrue(large.pages().stream().anyMatch(p -> p.section().equals(section)), "no page of section " + section);
        }
        for (ManPage p : large.pages()) {
            assertFalse(p.summary().isBlank() || p.description().isBlank(), p.toString());
        }
    }
}
