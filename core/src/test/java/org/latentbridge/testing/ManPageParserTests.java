package org.latentbridge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The roff rendering rules on small inline pages, so a parser regression points at the rule that broke. */
class ManPageParserTests {

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
    }
}
