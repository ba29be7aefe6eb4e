package org.latentbridge.testing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the roff source of one manual page, in either the man(7) macros used by Linux man-pages or the
 * mdoc(7) macros used by FreeBSD, into a {@link ManPage}: the NAME line split into names and summary, and the
 * DESCRIPTION section rendered to readable prose. It is a deliberately small formatter: it keeps the words a
 * reader would see (including cross references such as "fcntl(2)") and drops layout, code examples and
 * tables, which add noise for text encoders rather than meaning.
 */
public final class ManPageParser {

    /** Descriptions are cut at a word boundary at or before this many characters; encoders truncate anyway. */
    public static final int MAX_DESCRIPTION_CHARS = 1000;

    /** Rendering stops early once this much text is collected, since the rest would be cut. */
    private static final int RENDER_LIMIT = 2 * MAX_DESCRIPTION_CHARS;

    private static final Pattern NAME_DASH = Pattern.compile("\\s*(?:\\\\-|\\\\\\(em|\\\\\\[em]|\\\\\\(en|\\\\\\[en])+\\s*");
    private static final Pattern PLAIN_DASH = Pattern.compile("\\s+-{1,2}\\s+");
    private static final Pattern LIST_MARKER = Pattern.compile("\\(?[0-9a-zA-Z]{1,3}[.)]|\\[[0-9]{1,3}]");

    private ManPageParser() {}

    /**
     * Parses a page. Returns empty for pages that only redirect to another page ({@code .so}) or that have no
     * NAME section; a page without a DESCRIPTION gets an empty description (callers decide what to keep).
     *
     * @param id      the page's stable id, e.g. "man2/open.2"
     * @param section the section suffix, e.g. "2" or "9freebsd"
     * @param source  the decompressed roff source
     */
    public static Optional<ManPage> parse(String id, String section, String source) {
        List<String> lines = logicalLines(source);
        if (isRedirect(lines)) {
            return Optional.empty();
        }
        boolean mdoc = lines.stream().anyMatch(l -> l.startsWith(".Sh ") || l.startsWith(".Dt ") || l.startsWith(".Dd "));
        List<String> nameLines = new ArrayList<>();
        List<String> descriptionLines = new ArrayList<>();
        boolean sawName = false;
        boolean sawDescription = false;
        List<String> current = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String macro = requestName(line);
            if (macro.equals("SH") || macro.equals("Sh")) {
                List<Roff.Arg> args = Roff.args(argumentText(line));
                String heading;
                if (args.isEmpty() && i + 1 < lines.size()) {
                    heading = Roff.text(lines.get(++i));
                } else {
                    heading = String.join(" ", args.stream().map(a -> Roff.text(a.raw())).toList());
                }
                heading = Prose.collapse(heading).toUpperCase(Locale.ROOT);
                current = null;
                if (heading.equals("NAME") && !sawName) {
                    sawName = true;
                    current = nameLines;
                } else if (heading.equals("DESCRIPTION") && !sawDescription) {
                    sawDescription = true;
                    current = descriptionLines;
                }
                continue;
            }
            if (current != null) {
                current.add(line);
            }
        }
        if (!sawName) {
            return Optional.empty();
        }
        if (mdoc) {
            Mdoc m = new Mdoc(firstMdocName(lines));
            List<String> names = new ArrayList<>();
            String summary = m.nameSection(nameLines, names);
            String description = truncate(m.description(descriptionLines), MAX_DESCRIPTION_CHARS);
            return Optional.of(new ManPage(id, section, names, summary, description));
        }
        List<String> names = new ArrayList<>();
        String summary = manNameSection(nameLines, names);
        String description = truncate(manDescription(descriptionLines), MAX_DESCRIPTION_CHARS);
        return Optional.of(new ManPage(id, section, names, summary, description));
    }

    // ---------------------------------------------------------------- lines

    /** Splits into lines, joining escaped newlines (a line ending in an odd number of backslashes). */
    static List<String> logicalLines(String source) {
        List<String> out = new ArrayList<>();
        StringBuilder pending = null;
        for (String raw : source.split("\n", -1)) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            int slashes = 0;
            while (slashes < line.length() && line.charAt(line.length() - 1 - slashes) == '\\') {
                slashes++;
            }
            boolean continues = slashes % 2 == 1;
            String body = continues ? line.substring(0, line.length() - 1) : line;
            if (pending == null) {
                pending = new StringBuilder(body);
            } else {
                pending.append(body);
            }
            if (!continues) {
                out.add(pending.toString());
                pending = null;
            }
        }
        if (pending != null) {
            out.add(pending.toString());
        }
        return out;
    }

    private static boolean isControl(String line) {
        return !line.isEmpty() && (line.charAt(0) == '.' || line.charAt(0) == '\'');
    }

    /** The request or macro name of a control line ("" for text lines and comments). */
    static String requestName(String line) {
        if (!isControl(line)) {
            return "";
        }
        int i = 1;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        int start = i;
        while (i < line.length() && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
            if (line.charAt(i) == '\\') {
                return i == start ? "" : line.substring(start, i); // comment or escape: no name
            }
            i++;
        }
        return line.substring(start, i);
    }

    /** Everything after the request name. */
    private static String argumentText(String line) {
        int i = 1;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        while (i < line.length() && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
            i++;
        }
        return line.substring(i);
    }

    private static boolean isRedirect(List<String> lines) {
        for (String line : lines) {
            String name = requestName(line);
            if (line.isBlank() || (isControl(line) && name.isEmpty())) {
                continue; // blank lines and comments
            }
            return name.equals("so");
        }
        return false;
    }

    /** Cuts at a word boundary so the result has at most {@code max} characters. */
    static String truncate(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int cut = s.lastIndexOf(' ', max);
        if (cut < max / 2) {
            cut = Character.isLowSurrogate(s.charAt(max)) ? max - 1 : max;
        }
        String t = s.substring(0, cut).strip();
        int end = t.length();
        while (end > 0 && ",;:([-\u2014\u2013".indexOf(t.charAt(end - 1)) >= 0) {
            end--;
        }
        return t.substring(0, end).strip();
    }

    private static String renderArgs(List<Roff.Arg> args, String separator) {
        StringBuilder b = new StringBuilder();
        for (Roff.Arg a : args) {
            if (!b.isEmpty() && !separator.isEmpty()) {
                b.append(separator);
            }
            b.append(Roff.text(a.raw()));
        }
        return b.toString();
    }

    private static boolean endsSentenceOrClause(char c) {
        return c == 0 || ".:;,!?".indexOf(c) >= 0;
    }

    // ---------------------------------------------------------------- man(7)

    private static String manNameSection(List<String> lines, List<String> names) {
        StringBuilder raw = new StringBuilder();
        for (String line : lines) {
            if (isControl(line)) {
                String macro = requestName(line);
                if (Set.of("B", "I", "BR", "IR", "RB", "RI", "BI", "IB", "SM").contains(macro)) {
                    String sep = macro.length() == 2 && !macro.equals("SM") ? "" : " ";
                    raw.append(' ').append(String.join(sep, Roff.args(argumentText(line)).stream().map(Roff.Arg::raw).toList()));
                }
                continue;
            }
            raw.append(' ').append(line);
        }
        String all = raw.toString();
        Matcher m = NAME_DASH.matcher(all);
        String left;
        String right;
        if (m.find()) {
            left = all.substring(0, m.start());
            right = all.substring(m.end());
        } else {
            String rendered = Roff.text(all);
            Matcher p = PLAIN_DASH.matcher(rendered);
            if (!p.find()) {
                return "";
            }
            left = rendered.substring(0, p.start());
            right = rendered.substring(p.end());
        }
        for (String name : Roff.text(left).split(",")) {
            String n = Prose.collapse(name);
            if (!n.isEmpty()) {
                names.add(n);
            }
        }
        return Prose.collapse(Roff.text(right));
    }

    private static final Set<String> MAN_FONT_SPACED = Set.of("B", "I", "SM", "SB", "R");
    private static final Set<String> MAN_FONT_ALTERNATING = Set.of("BR", "BI", "IB", "IR", "RB", "RI");

    private static String manDescription(List<String> lines) {
        Prose out = new Prose();
        boolean[] pendingTag = {false};
        String skipUntil = null;
        for (String line : lines) {
            if (out.length() > RENDER_LIMIT) {
                break;
            }
            String macro = requestName(line);
            if (skipUntil != null) {
                if (skipUntil.equals("\\}") ? line.contains("\\}")
                    : macro.equals(skipUntil) || (skipUntil.equals("..") && line.startsWith(".."))) {
                    skipUntil = null;
                }
                continue;
            }
            if (!isControl(line)) {
                emit(out, Roff.text(line), pendingTag);
                continue;
            }
            List<Roff.Arg> args = Roff.args(argumentText(line));
            if (MAN_FONT_SPACED.contains(macro)) {
                emit(out, renderArgs(args, " "), pendingTag);
            } else if (MAN_FONT_ALTERNATING.contains(macro)) {
                emit(out, renderArgs(args, ""), pendingTag);
            } else {
                switch (macro) {
                    case "TP", "TQ" -> pendingTag[0] = true;
                    case "IP" -> {
                        String tag = args.isEmpty() ? "" : Prose.collapse(Roff.text(args.get(0).raw()));
                        if (LIST_MARKER.matcher(tag).matches()) {
                            out.word(tag);
                        } else if (!tag.isEmpty() && !tag.equals("\u2022") && !tag.equals("*") && !tag.equals("-")
                                && !tag.equals("\u2014") && !tag.equals("o")) {
                            pendingTag[0] = true;
                            emit(out, tag, pendingTag);
                        }
                    }
                    case "SS" -> {
                        String heading = Prose.collapse(renderArgs(args, " "));
                        if (heading.isEmpty()) {
                            pendingTag[0] = true;
                        } else {
                            out.word(heading);
                            if (!endsSentenceOrClause(out.lastChar())) {
                                out.attach(".");
                            }
                        }
                    }
                    case "UE", "ME" -> {
                        if (!args.isEmpty()) {
                            out.attach(Roff.text(args.get(0).raw()));
                        }
                    }
                    case "MR" -> {
                        if (!args.isEmpty()) {
                            String ref = Roff.text(args.get(0).raw()) + (args.size() > 1 ? "(" + Roff.text(args.get(1).raw()) + ")" : "")
                                    + (args.size() > 2 ? Roff.text(args.get(2).raw()) : "");
                            emit(out, ref, pendingTag);
                        }
                    }
                    case "q" -> { // the tz pages' quoting macro: .q "text" [punctuation]
                        if (!args.isEmpty()) {
                            emit(out, "\"" + Roff.text(args.get(0).raw()) + "\""
                                    + (args.size() > 1 ? Roff.text(args.get(1).raw()) : ""), pendingTag);
                        }
                    }
                    case "EX" -> skipUntil = "EE";
                    case "nf" -> skipUntil = "fi";
                    case "TS" -> skipUntil = "TE";
                    case "EQ" -> skipUntil = "EN";
                    case "PS" -> skipUntil = "PE";
                    case "de", "de1", "am", "ig" -> skipUntil = "..";
                    case "ie", "if", "el" -> {
                        if (line.contains("\\{") && !line.contains("\\}")) {
                            skipUntil = "\\}";
                        }
                    }
                    default -> { } // layout requests (PP, RS, in, sp, ...) and comments
                }
            }
        }
        return out.toString();
    }

    /** Appends rendered text; when a list tag is pending, ends it with a colon so tag and body read apart. */
    private static void emit(Prose out, String text, boolean[] pendingTag) {
        if (text.isBlank()) {
            return;
        }
        out.word(text);
        if (pendingTag[0]) {
            pendingTag[0] = false;
            if (!endsSentenceOrClause(out.lastChar())) {
                out.attach(":");
            }
        }
    }

    // ---------------------------------------------------------------- mdoc(7)

    private static String firstMdocName(List<String> lines) {
        for (String line : lines) {
            if (requestName(line).equals("Nm")) {
                for (Roff.Arg a : Roff.args(argumentText(line))) {
                    if (a.quoted() || !Mdoc.isDelimiter(a.raw())) {
                        return Prose.collapse(Roff.text(a.raw()));
                    }
                }
            }
        }
        return "";
    }

    /** The mdoc(7) reader: semantic macros, parsed and callable on one line, with mdoc's delimiter spacing. */
    private static final class Mdoc {

        /** Macros recognised when they appear as arguments of another macro line. */
        private static final Set<String> CALLABLE = Set.of(
                "Ac", "Ad", "An", "Ao", "Ap", "Aq", "Ar", "At", "Bc", "Bo", "Bq", "Brc", "Bro", "Brq", "Bsx", "Bx",
                "Cd", "Cm", "Dc", "Do", "Dq", "Dv", "Dx", "Ec", "Em", "En", "Eo", "Er", "Ev", "Fa", "Fc", "Fl", "Fn",
                "Fo", "Fr", "Ft", "Fx", "Ic", "In", "Li", "Lk", "Ms", "Mt", "Nm", "No", "Ns", "Nx", "Oc", "Oo", "Op",
                "Ot", "Ox", "Pa", "Pc", "Pf", "Po", "Pq", "Qc", "Ql", "Qo", "Qq", "Sc", "So", "Sq", "St", "Sx", "Sy",
                "Ta", "Tn", "Ux", "Va", "Vt", "Xc", "Xo", "Xr");
        /** Further macros that only start a line but still produce text. */
        private static final Set<String> LINE_ONLY = Set.of("Rv", "Ex", "Lb", "Sm", "Fd", "D1", "Dl", "Ud", "Hf");
        private static final Set<String> CLOSING = Set.of(".", ",", ";", ":", "?", "!", ")", "]");
        private static final Set<String> OPENING = Set.of("(", "[");
        private static final Set<String> TAG_LISTS = Set.of("-tag", "-hang", "-ohang", "-inset", "-diag");

        private final String firstName;
        private final Deque<String> lists = new ArrayDeque<>();

        Mdoc(String firstName) {
            this.firstName = firstName;
        }

        static boolean isDelimiter(String raw) {
            return CLOSING.contains(raw) || OPENING.contains(raw) || raw.equals("|");
        }

        String nameSection(List<String> lines, List<String> names) {
            Prose summary = new Prose();
            boolean inNd = false;
            for (String line : lines) {
                String macro = requestName(line);
                if (macro.equals("Nm")) {
                    for (Roff.Arg a : Roff.args(argumentText(line))) {
                        if (a.quoted() || !isDelimiter(a.raw())) {
                            String n = Prose.collapse(Roff.text(a.raw()));
                            if (!n.isEmpty()) {
                                names.add(n);
                            }
                        }
                    }
                } else if (macro.equals("Nd")) {
                    inNd = true;
                    renderLine(summary, Roff.args(argumentText(line)), 0);
                } else if (inNd && !isControl(line)) {
                    summary.word(Roff.text(line));
                } else if (inNd && (CALLABLE.contains(macro))) {
                    renderLine(summary, lineTokens(line), 0);
                }
            }
            return summary.toString();
        }

        String description(List<String> lines) {
            Prose out = new Prose();
            String skipUntil = null;
            for (String line : lines) {
                if (out.length() > RENDER_LIMIT) {
                    break;
                }
                String macro = requestName(line);
                if (skipUntil != null) {
                    if (macro.equals(skipUntil) || (skipUntil.equals("..") && line.startsWith(".."))) {
                        skipUntil = null;
                    }
                    continue;
                }
                if (!isControl(line)) {
                    out.word(Roff.text(line));
                    continue;
                }
                List<Roff.Arg> args = Roff.args(argumentText(line));
                switch (macro) {
                    case "Bd" -> {
                        if (args.stream().anyMatch(a -> a.raw().equals("-literal") || a.raw().equals("-unfilled"))) {
                            skipUntil = "Ed";
                        }
                    }
                    case "Rs" -> skipUntil = "Re";
                    case "TS" -> skipUntil = "TE";
                    case "de", "de1", "am", "ig" -> skipUntil = "..";
                    case "Bl" -> lists.push(args.isEmpty() ? "-item" : args.get(0).raw());
                    case "El" -> {
                        if (!lists.isEmpty()) {
                            lists.pop();
                        }
                    }
                    case "It" -> {
                        String type = lists.isEmpty() ? "-tag" : lists.peek();
                        if (TAG_LISTS.contains(type) || type.equals("-column")) {
                            int before = out.length();
                            renderLine(out, args, 0);
                            if (TAG_LISTS.contains(type) && out.length() > before && !endsSentenceOrClause(out.lastChar())) {
                                out.attach(":");
                            }
                        }
                        // bullet, dash, enum and item lists: the marker carries no words
                    }
                    case "Ss", "Sh" -> {
                        int before = out.length();
                        renderLine(out, args, 0);
                        if (out.length() > before && !endsSentenceOrClause(out.lastChar())) {
                            out.attach(".");
                        }
                    }
                    case "B", "I", "SM", "R" -> out.word(renderArgs(args, " "));
                    case "BR", "BI", "IB", "IR", "RB", "RI" -> out.word(renderArgs(args, ""));
                    default -> {
                        if (CALLABLE.contains(macro) || LINE_ONLY.contains(macro)) {
                            renderLine(out, lineTokens(line), 0);
                        }
                        // anything else is layout (Pp, Ed, Bk, sp, ...) or a request we do not interpret
                    }
                }
            }
            return out.toString();
        }

        private static List<Roff.Arg> lineTokens(String line) {
            List<Roff.Arg> tokens = new ArrayList<>();
            tokens.add(new Roff.Arg(requestName(line), false));
            tokens.addAll(Roff.args(argumentText(line)));
            return tokens;
        }

        /** Renders tokens[from..] where tokens[from] may be a macro even if it is not callable (line start). */
        private void renderLine(Prose out, List<Roff.Arg> tokens, int from) {
            new LineRenderer(out, tokens).range(from, tokens.size(), true);
        }

        private final class LineRenderer {
            private final Prose out;
            private final List<Roff.Arg> t;
            private int i;
            private int end;

            LineRenderer(Prose out, List<Roff.Arg> tokens) {
                this.out = out;
                this.t = tokens;
            }

            void range(int from, int to, boolean firstMayBeMacro) {
                int savedEnd = end;
                i = from;
                end = to;
                boolean first = firstMayBeMacro;
                while (i < end) {
                    Roff.Arg a = t.get(i);
                    if (!a.quoted() && (CALLABLE.contains(a.raw()) || (first && LINE_ONLY.contains(a.raw())))) {
                        macro(a.raw());
                    } else {
                        plain(a);
                        i++;
                    }
                    first = false;
                }
                end = savedEnd;
            }

            private boolean plainWordAt(int k) {
                if (k >= end) {
                    return false;
                }
                Roff.Arg a = t.get(k);
                return a.quoted() || (!CALLABLE.contains(a.raw()) && !isDelimiter(a.raw()));
            }

            private String text(int k) {
                return Roff.text(t.get(k).raw());
            }

            private void plain(Roff.Arg a) {
                if (!a.quoted() && CLOSING.contains(a.raw())) {
                    out.attach(a.raw());
                } else if (!a.quoted() && OPENING.contains(a.raw())) {
                    out.word(a.raw()).noSpaceNext();
                } else {
                    out.word(Roff.text(a.raw()));
                }
            }

            /** Encloses the rest of the line, minus trailing closing punctuation, in {@code open}/{@code close}. */
            private void enclose(String open, String close) {
                int last = end;
                while (last > i && !t.get(last - 1).quoted() && CLOSING.contains(t.get(last - 1).raw())) {
                    last--;
                }
                out.word(open).noSpaceNext();
                range(i, last, false);
                out.attach(close);
            }

            private void macro(String name) {
                i++; // the macro name
                switch (name) {
                    case "Ns" -> out.noSpaceNext();
                    case "Ap" -> out.attach("'").noSpaceNext();
                    case "Pf" -> {
                        if (i < end) {
                            out.word(text(i++));
                            out.noSpaceNext();
                        }
                    }
                    case "Xr" -> {
                        if (i < end) {
                            String ref = text(i++);
                            if (plainWordAt(i)) {
                                ref += "(" + text(i++) + ")";
                            }
                            out.word(ref);
                        }
                    }
                    case "Fn" -> {
                        if (i < end) {
                            String fn = text(i++);
                            List<String> fa = new ArrayList<>();
                            while (plainWordAt(i)) {
                                fa.add(text(i++));
                            }
                            out.word(fn + "(" + String.join(", ", fa) + ")");
                        }
                    }
                    case "Fo" -> {
                        if (i < end) {
                            out.word(text(i++) + "(").noSpaceNext();
                        }
                    }
                    case "Fc" -> out.attach(")");
                    case "Nm" -> {
                        if (!plainWordAt(i)) {
                            out.word(firstName);
                        }
                    }
                    case "Fl" -> {
                        if (!plainWordAt(i)) {
                            out.word("-");
                            if (i < end && !isDelimiter(t.get(i).raw())) {
                                out.noSpaceNext();
                            }
                        }
                        while (plainWordAt(i)) {
                            out.word("-" + text(i++));
                        }
                    }
                    case "Ar" -> {
                        if (!plainWordAt(i)) {
                            out.word("file ...");
                        }
                    }
                    case "Pa" -> {
                        if (!plainWordAt(i)) {
                            out.word("~");
                        }
                    }
                    case "In" -> {
                        if (i < end) {
                            out.word("<" + text(i++) + ">");
                        }
                    }
                    case "Lk" -> {
                        if (i < end) {
                            String url = text(i++);
                            if (!plainWordAt(i)) {
                                out.word(url);
                            }
                        }
                    }
                    case "Fx", "Nx", "Ox", "Bsx", "Dx" -> {
                        out.word(switch (name) {
                            case "Fx" -> "FreeBSD";
                            case "Nx" -> "NetBSD";
                            case "Ox" -> "OpenBSD";
                            case "Bsx" -> "BSD/OS";
                            default -> "DragonFly";
                        });
                        if (plainWordAt(i)) {
                            out.word(text(i++));
                        }
                    }
                    case "Bx" -> {
                        if (plainWordAt(i)) {
                            String v = text(i++);
                            String w = plainWordAt(i) ? "-" + text(i++) : "";
                            out.word(v + "BSD" + w);
                        } else {
                            out.word("BSD");
                        }
                    }
                    case "Ux" -> out.word("UNIX");
                    case "At" -> {
                        String v = plainWordAt(i) ? text(i++) : "";
                        if (v.matches("v[0-9]+")) {
                            out.word("Version " + v.substring(1) + " AT&T UNIX");
                        } else if (v.startsWith("V") || v.equals("III")) {
                            out.word("AT&T System " + v + " UNIX");
                        } else if (v.equals("32v")) {
                            out.word("Version 7 AT&T UNIX/32V");
                        } else {
                            out.word("AT&T UNIX");
                        }
                    }
                    case "St" -> {
                        if (i < end) {
                            out.word(standard(text(i++)));
                        }
                    }
                    case "Lb" -> {
                        if (i < end) {
                            String lib = text(i++);
                            out.word(lib.equals("libc") ? "Standard C Library (libc, -lc)" : "library \"" + lib + "\"");
                        }
                    }
                    case "Rv", "Ex" -> {
                        if (i < end && t.get(i).raw().equals("-std")) {
                            i++;
                        }
                        List<String> subjects = new ArrayList<>();
                        while (plainWordAt(i)) {
                            subjects.add(text(i++));
                        }
                        if (subjects.isEmpty()) {
                            subjects.add(firstName);
                        }
                        out.word(name.equals("Rv") ? returnValueSentence(subjects) : exitStatusSentence(subjects));
                    }
                    case "Sm" -> {
                        if (plainWordAt(i)) {
                            i++;
                        }
                    }
                    case "Ud" -> out.word("currently under development.");
                    case "Aq" -> enclose("<", ">");
                    case "Bq", "Op" -> enclose("[", "]");
                    case "Brq" -> enclose("{", "}");
                    case "Dq", "Qq" -> enclose("\"", "\"");
                    case "Sq", "Ql" -> enclose("'", "'");
                    case "Pq" -> enclose("(", ")");
                    case "Ao" -> out.word("<").noSpaceNext();
                    case "Ac" -> out.attach(">");
                    case "Bo", "Oo" -> out.word("[").noSpaceNext();
                    case "Bc", "Oc" -> out.attach("]");
                    case "Bro" -> out.word("{").noSpaceNext();
                    case "Brc" -> out.attach("}");
                    case "Do", "Qo" -> out.word("\"").noSpaceNext();
                    case "Dc", "Qc" -> out.attach("\"");
                    case "So" -> out.word("'").noSpaceNext();
                    case "Sc" -> out.attach("'");
                    case "Po" -> out.word("(").noSpaceNext();
                    case "Pc" -> out.attach(")");
                    case "Eo" -> {
                        if (plainWordAt(i) || (i < end && isDelimiter(t.get(i).raw()))) {
                            out.word(text(i++)).noSpaceNext();
                        }
                    }
                    case "Ec" -> {
                        if (i < end) {
                            out.attach(text(i++));
                        }
                    }
                    case "D1", "Dl", "Fd", "Hf" -> { } // their arguments follow as ordinary words
                    default -> { } // presentation-only macros (Em, Dv, Fa, Va, Ta, Xo, ...): arguments follow as words
                }
            }
        }

        private static String returnValueSentence(List<String> fns) {
            List<String> calls = fns.stream().map(f -> f + "()").toList();
            boolean many = calls.size() > 1;
            return "The " + joinEnglish(calls) + (many ? " functions return" : " function returns")
                    + " the value 0 if successful; otherwise the value -1 is returned and the global variable errno is set to indicate"
                    + " the error.";
        }

        private static String exitStatusSentence(List<String> utilities) {
            boolean many = utilities.size() > 1;
            return "The " + joinEnglish(utilities) + (many ? " utilities exit" : " utility exits")
                    + " 0 on success, and >0 if an error occurs.";
        }

        private static String joinEnglish(List<String> items) {
            if (items.size() <= 2) {
                return String.join(" and ", items);
            }
            return String.join(", ", items.subList(0, items.size() - 1)) + ", and " + items.get(items.size() - 1);
        }

        private static String standard(String flag) {
            return switch (flag) {
                case "-ansiC", "-ansiC-89" -> "ANSI X3.159-1989 (\"ANSI C89\")";
                case "-isoC", "-isoC-90" -> "ISO/IEC 9899:1990 (\"ISO C90\")";
                case "-isoC-99" -> "ISO/IEC 9899:1999 (\"ISO C99\")";
                case "-isoC-2011" -> "ISO/IEC 9899:2011 (\"ISO C11\")";
                case "-p1003.1" -> "IEEE Std 1003.1 (\"POSIX.1\")";
                case "-p1003.1b" -> "IEEE Std 1003.1b (\"POSIX.1b\")";
                case "-p1003.1c" -> "IEEE Std 1003.1c (\"POSIX.1c\")";
                case "-p1003.2" -> "IEEE Std 1003.2 (\"POSIX.2\")";
                case "-susv2" -> "Version 2 of the Single UNIX Specification (\"SUSv2\")";
                case "-susv3" -> "Version 3 of the Single UNIX Specification (\"SUSv3\")";
                case "-susv4" -> "Version 4 of the Single UNIX Specification (\"SUSv4\")";
                case "-xpg4" -> "X/Open Portability Guide Issue 4 (\"XPG4\")";
                case "-xpg4.2" -> "X/Open Portability Guide Issue 4, Version 2 (\"XPG4.2\")";
                case "-svid4" -> "System V Interface Definition, Fourth Edition (\"SVID4\")";
                case "-ieee754" -> "IEEE Std 754-1985";
                case "-ieee802.3" -> "IEEE Std 802.3";
                default -> {
                    Matcher m = Pattern.compile("-p1003\\.1([a-z]?)-(\\d{4})").matcher(flag);
                    if (m.matches()) {
                        yield "IEEE Std 1003.1" + m.group(1) + "-" + m.group(2) + " (\"POSIX.1\")";
                    }
                    yield flag.startsWith("-") ? flag.substring(1) : flag;
                }
            };
        }
    }
}
