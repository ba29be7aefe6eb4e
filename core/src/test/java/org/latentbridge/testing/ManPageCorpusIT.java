package org.latentbridge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the man page corpus end to end (fetch, parse, filter) on the real pinned packages. An integration test: the
 * corpus is fetched with the packaging tools on first use. The roff rendering rules are unit-tested on inline pages in
 * {@link ManPageParserTests}.
 */
class ManPageCorpusIT {

    private static ManPageCorpus corpus;

    @BeforeAll
    static void load() {
        corpus = ManPageCorpus.load();
    }

    private static ManPage page(String id) {
        return corpus.byId(id).orElseThrow(() -> new AssertionError("missing page " + id));
    }

    @Test
    void linuxOpenPageIsParsed() {
        ManPage open = page("man2/open.2");
        assertEquals("2", open.section());
        assertEquals(List.of("open", "openat", "creat"), open.names());
        assertEquals("open and possibly create a file", open.summary());
        assertTrue(open.description().startsWith("The open() system call opens the file specified by pathname."),
                open.description());
        assertTrue(open.description().contains("file descriptor"), open.description());
        // .RB alternation with quoted pieces renders as ordinary cross references
        assertTrue(open.description().contains("(read(2), write(2), lseek(2), fcntl(2), etc.)"), open.description());
    }

    @Test
    void freebsdMdocPagesAreParsed() {
        ManPage malloc = page("man9/malloc.9freebsd");
        assertEquals("9freebsd", malloc.section());
        assertEquals("kernel memory management routines", malloc.summary());
        assertEquals("malloc", malloc.names().get(0));
        assertTrue(malloc.names().contains("MALLOC_DECLARE"), malloc.names().toString());
        assertTrue(malloc.description().startsWith("The malloc() function allocates uninitialized memory in kernel address space"),
                malloc.description());
        assertTrue(malloc.description().contains("from a specific numa(4) domain"), malloc.description());

        ManPage em = page("man4/em.4freebsd");
        assertEquals("Intel(R) PRO/1000 Gigabit Ethernet adapter driver", em.summary());
        // a bare .Nm expands to the page's name; .Fx to the OS name
        assertTrue(em.description().startsWith("The em driver provides support for PCI Gigabit Ethernet adapters"), em.description());
        assertTrue(em.description().contains("apply to use with FreeBSD."), em.description());
    }

    @Test
    void hardLinkedFreebsdCopiesCollapseToTheCanonicalPage() {
        // freebsd-manpages ships malloc.9freebsd, free.9freebsd, MALLOC_DEFINE.9freebsd, ... as identical files
        assertTrue(corpus.byId("man9/free.9freebsd").isEmpty());
        assertTrue(corpus.byId("man9/MALLOC_DEFINE.9freebsd").isEmpty());
        Set<String> pairs = new HashSet<>();
        for (ManPage p : corpus.pages()) {
            assertTrue(pairs.add(p.summary() + "\u0000" + p.description()), "duplicate pair at " + p.id());
        }
    }

    @Test
    void corpusSizeAndMix() {
        // measured: 2,373 pages (1,067 Linux, 1,306 FreeBSD) from 4,682 files, after aliases and duplicates
        assertTrue(corpus.size() > 2_200, "only " + corpus.size() + " pages");
        long freebsd = corpus.pages().stream().filter(p -> p.section().endsWith("freebsd")).count();
        long linux = corpus.size() - freebsd;
        assertTrue(linux > 950, "linux pages: " + linux);
        assertTrue(freebsd > 1_150, "freebsd pages: " + freebsd);
    }

    @Test
    void idsAreUniqueSortedAndStable() {
        List<String> ids = corpus.pages().stream().map(ManPage::id).toList();
        assertEquals(ids.size(), new HashSet<>(ids).size());
        assertEquals(ids.stream().sorted().toList(), ids);
        for (ManPage p : corpus.pages()) {
            assertTrue(p.id().matches("man[0-9]/[^/]+\\.[0-9][a-z]*"), p.id());
            assertTrue(p.id().endsWith("." + p.section()), p.id());
        }
    }

    @Test
    void textsAreCleanProse() {
        Pattern roffEscape = Pattern.compile("\\\\(f[A-Z(\\[]|[(*\\[]|s[-+0-9]|-)");
        // macro lines leaking into text; man(7) and man-pages(7) document these macros, so they may mention them
        Pattern macroLine = Pattern.compile("(^|\\s)\\.(SH|SS|PP|TP|IP|BR|IR|B|I|Sh|Pp|It|Nm|Nd|Fn|Fa|Xr|Bl|El|Dv)(\\s|$)");
        Set<String> roffManuals = Set.of("man7/man.7", "man7/man-pages.7");
        for (ManPage p : corpus.pages()) {
            for (String text : List.of(p.summary(), p.description())) {
                assertFalse(roffEscape.matcher(text).find(), p.id() + ": " + text);
                assertFalse(text.contains("\n") || text.contains("\t") || text.contains("  "), p.id() + ": " + text);
                assertFalse(text.startsWith(".") || text.startsWith("'"), p.id() + ": " + text);
                assertFalse(text.contains("\uFFFD"), p.id() + ": " + text);
                assertEquals(text.strip(), text, p.id());
                if (!roffManuals.contains(p.id())) {
                    assertFalse(macroLine.matcher(text).find(), p.id() + ": " + text);
                }
            }
            assertFalse(p.summary().isBlank(), p.id());
            assertTrue(p.description().length() >= ManPageCorpus.MIN_DESCRIPTION_CHARS, p.id());
            assertTrue(p.description().length() <= ManPageParser.MAX_DESCRIPTION_CHARS, p.id());
        }
    }


    @Test
    void manyLongDescriptionsAreTruncated() {
        long truncated = corpus.pages().stream().filter(p -> p.description().length() > 900).count();
        assertTrue(truncated > 500, "expected many long descriptions to be cut near the limit, got " + truncated);
    }
    @Test
    void sectionsCoverBothFamilies() {
        Set<String> sections = corpus.pages().stream().map(ManPage::section).collect(Collectors.toSet());
        assertTrue(sections.containsAll(Set.of("2", "3", "7", "2freebsd", "4freebsd", "9freebsd")), sections.toString());
    }

}
