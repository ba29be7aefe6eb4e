package org.latentbridge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the man page corpus end to end (fetch, parse, filter) on the real pinned packages, plus the roff
 * rendering rules on small inline pages so a parser regression points at the rule that broke.
 */
class ManPageCorpusTests {

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
    void manMacrosAndEscapesRender() {
        String src = """
                .\\" a comment
                .TH demo 3 2024-01-01 "test"
                .SH NAME
                demo, demo2 \\- show \\fBroff\\fP handling
                .SH SYNOPSIS
                .B int demo(void);
                .SH DESCRIPTION
                The
                .BR demo ()
                function returns a \\fIvalue\\fR\\(emor not\\(emand writes
                .IR path "name, " see
                .BR stat (2).
                .PP
                A backslash (\\e) and a dash (\\-) survive.
                .TP
                .B FLAG_ONE
                Does one thing.
                .IP \\(bu 3
                Bulleted.
                .EX
                int x = 1;
                .EE
                .SH SEE ALSO
                .BR other (3)
                """;
        ManPage p = ManPageParser.parse("man3/demo.3", "3", src).orElseThrow();
        assertEquals(List.of("demo", "demo2"), p.names());
        assertEquals("show roff handling", p.summary());
        assertEquals("The demo() function returns a value\u2014or not\u2014and writes pathname, see stat(2). "
                + "A backslash (\\) and a dash (-) survive. FLAG_ONE: Does one thing. Bulleted.", p.description());
    }

    @Test
    void mdocMacrosRender() {
        String src = """
                .Dd January 1, 2024
                .Dt DEMO 9
                .Os
                .Sh NAME
                .Nm demo ,
                .Nm demo_free
                .Nd "demonstrate mdoc handling"
                .Sh DESCRIPTION
                The
                .Nm
                function, like
                .Xr malloc 9 ,
                returns
                .Dv NULL
                .Pq see Xr errno 2
                when
                .Fa size
                is 0; call
                .Fn demo_free ptr
                with
                .Fl v
                or
                .Dq quoted text .
                .Bl -tag -width indent
                .It Dv M_ZERO
                Zero the memory.
                .El
                .Bd -literal
                code();
                .Ed
                First appeared in
                .Fx 12.0 .
                .Sh SEE ALSO
                .Xr free 9
                """;
        ManPage p = ManPageParser.parse("man9/demo.9freebsd", "9freebsd", src).orElseThrow();
        assertEquals(List.of("demo", "demo_free"), p.names());
        assertEquals("demonstrate mdoc handling", p.summary());
        assertEquals("The demo function, like malloc(9), returns NULL (see errno(2)) when size is 0; call demo_free(ptr) "
                + "with -v or \"quoted text\". M_ZERO: Zero the memory. First appeared in FreeBSD 12.0.", p.description());
    }

    @Test
    void redirectPagesAreAliases() {
        assertEquals(Optional.empty(), ManPageParser.parse("man3/x.3", "3", ".\\\" alias\n.so man3/y.3\n"));
    }

    @Test
    void truncationStopsAtAWordBoundary() {
        String text = "alpha beta gamma delta, epsilon";
        assertEquals("alpha beta gamma delta", ManPageParser.truncate(text, 25));
        assertEquals(text, ManPageParser.truncate(text, 100));
        long truncated = corpus.pages().stream().filter(p -> p.description().length() > 900).count();
        assertTrue(truncated > 500, "expected many long descriptions to be cut near the limit, got " + truncated);
    }

    @Test
    void sectionsCoverBothFamilies() {
        Set<String> sections = corpus.pages().stream().map(ManPage::section).collect(Collectors.toSet());
        assertTrue(sections.containsAll(Set.of("2", "3", "7", "2freebsd", "4freebsd", "9freebsd")), sections.toString());
    }
}
