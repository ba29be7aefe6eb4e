package org.latentbridge.testing;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The small part of roff that manual pages actually use, reduced to plain text: escape sequences,
 * special characters, argument splitting and a whitespace-aware text builder. Shared by the man(7)
 * and mdoc(7) readers in {@link ManPageParser}; anything typographic (fonts, sizes, motions) is dropped
 * because the consumers are text encoders, not terminals.
 */
final class Roff {

    /** Marks the {@code \c} escape: the next output joins without a space. Removed by {@link Prose}. */
    static final char JOIN = '\u0001';

    private Roff() {}

    /** One macro argument: its raw text (escapes intact) and whether it was written in double quotes. */
    record Arg(String raw, boolean quoted) {}

    /**
     * Splits the argument part of a request or macro line the way roff does: on unescaped blanks, with
     * double-quoted arguments (where {@code ""} stands for a literal quote) kept whole. An inline
     * {@code \"} comment ends the line.
     */
    static List<Arg> args(String s) {
        List<Arg> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            StringBuilder b = new StringBuilder();
            if (c == '"') {
                i++;
                while (i < n) {
                    char d = s.charAt(i);
                    if (d == '"') {
                        if (i + 1 < n && s.charAt(i + 1) == '"') {
                            b.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (d == '\\' && i + 1 < n) {
                        if (s.charAt(i + 1) == '"') {
                            return finish(out, b, true);
                        }
                        b.append(d).append(s.charAt(i + 1));
                        i += 2;
                        continue;
                    }
                    b.append(d);
                    i++;
                }
                out.add(new Arg(b.toString(), true));
                continue;
            }
            while (i < n) {
                char d = s.charAt(i);
                if (d == ' ' || d == '\t') {
                    break;
                }
                if (d == '\\' && i + 1 < n) {
                    if (s.charAt(i + 1) == '"') {
                        return finish(out, b, false);
                    }
                    b.append(d).append(s.charAt(i + 1));
                    i += 2;
                    continue;
                }
                b.append(d);
                i++;
            }
            out.add(new Arg(b.toString(), false));
        }
        return out;
    }

    private static List<Arg> finish(List<Arg> out, StringBuilder b, boolean quoted) {
        if (!b.isEmpty()) {
            out.add(new Arg(b.toString(), quoted));
        }
        return out;
    }

    /** Renders one line (or argument) of roff text to plain text: escapes resolved, fonts and motions dropped. */
    static String text(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= n) {
                out.append(c);
                i++;
                continue;
            }
            char e = s.charAt(i + 1);
            i += 2;
            switch (e) {
                case 'f', 'F', 'm', 'M' -> i = skipName(s, i); // font / colour selection
                case 'n', 'Y', 'V', 'g', '$' -> { // registers, strings and macro arguments: no text of ours
                    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                        i++;
                    }
                    i = skipName(s, i);
                }
                case 's' -> { // point size: \s-1, \s0, \s+2, \s(12, \s[12], \s'12'
                    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                        i++;
                    }
                    if (i < n && (s.charAt(i) == '(' || s.charAt(i) == '[')) {
                        i = skipName(s, i);
                    } else if (i < n && s.charAt(i) == '\'') {
                        i = skipDelimited(s, i);
                    } else if (i < n && Character.isDigit(s.charAt(i))) {
                        i++;
                    }
                }
                case '(' -> {
                    if (i + 2 <= n) {
                        out.append(special(s.substring(i, i + 2)));
                        i += 2;
                    } else {
                        i = n;
                    }
                }
                case '[' -> {
                    int end = s.indexOf(']', i);
                    if (end < 0) {
                        i = n;
                    } else {
                        out.append(special(s.substring(i, end)));
                        i = end + 1;
                    }
                }
                case 'C' -> { // \C'name'
                    int start = i;
                    i = skipDelimited(s, i);
                    if (i - start >= 2) {
                        out.append(special(s.substring(start + 1, i - 1)));
                    }
                }
                case '*' -> { // predefined strings
                    if (i < n && s.charAt(i) == '(') {
                        if (i + 3 <= n) {
                            out.append(string(s.substring(i + 1, i + 3)));
                        }
                        i = Math.min(n, i + 3);
                    } else if (i < n && s.charAt(i) == '[') {
                        int end = s.indexOf(']', i);
                        end = end < 0 ? n : end;
                        out.append(string(s.substring(i + 1, end)));
                        i = Math.min(n, end + 1);
                    } else if (i < n) {
                        out.append(string(String.valueOf(s.charAt(i))));
                        i++;
                    }
                }
                // Motions, widths, drawing, device controls: delimited arguments with no prose in them.
                case 'h', 'v', 'w', 'l', 'L', 'N', 'X', 'D', 'b', 'x', 'Z', 'R', 'H', 'S', 'o', 'A', 'B' ->
                        i = skipDelimited(s, i);
                case 'k' -> i = Math.min(n, i + 1);
                case 'z' -> { } // zero-width next character: keep the character
                case 'e', 'E', '\\' -> out.append('\\');
                case '-' -> out.append('-');
                case ' ', '~', '0', 't' -> out.append(' ');
                case '&', '|', '^', ':', '%', ')', '{', '}', 'a', 'p', 'r', 'u', 'd', '/', ',', '\n' -> { }
                case 'c' -> out.append(JOIN);
                case '"', '#' -> i = n; // comment to end of line
                case '\'' -> out.append('\'');
                case '`' -> out.append('`');
                case '.' -> out.append('.');
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    /** Skips a one-character, {@code (xx} or {@code [name]} name starting at {@code i}. */
    private static int skipName(String s, int i) {
        int n = s.length();
        if (i >= n) {
            return n;
        }
        char c = s.charAt(i);
        if (c == '(') {
            return Math.min(n, i + 3);
        }
        if (c == '[') {
            int end = s.indexOf(']', i);
            return end < 0 ? n : end + 1;
        }
        return i + 1;
    }

    /** Skips an argument enclosed in the delimiter character found at {@code i} (usually a quote). */
    private static int skipDelimited(String s, int i) {
        int n = s.length();
        if (i >= n) {
            return n;
        }
        char delim = s.charAt(i);
        int j = i + 1;
        while (j < n && s.charAt(j) != delim) {
            j += s.charAt(j) == '\\' ? 2 : 1;
        }
        return Math.min(n, j + 1);
    }

    private static final Map<String, String> SPECIALS = Map.ofEntries(
            Map.entry("em", "\u2014"), Map.entry("en", "\u2013"), Map.entry("hy", "-"), Map.entry("mi", "-"),
            Map.entry("bu", "\u2022"), Map.entry("aq", "'"), Map.entry("dq", "\""), Map.entry("lq", "\""),
            Map.entry("rq", "\""), Map.entry("oq", "'"), Map.entry("cq", "'"), Map.entry("ha", "^"),
            Map.entry("ti", "~"), Map.entry("ga", "`"), Map.entry("aa", "'"), Map.entry("rs", "\\"),
            Map.entry("sl", "/"), Map.entry("mu", "\u00d7"), Map.entry("di", "\u00f7"), Map.entry("+-", "\u00b1"),
            Map.entry("<=", "\u2264"), Map.entry(">=", "\u2265"), Map.entry("!=", "\u2260"), Map.entry("==", "\u2261"),
            Map.entry("->", "\u2192"), Map.entry("<-", "\u2190"), Map.entry("ua", "\u2191"), Map.entry("da", "\u2193"),
            Map.entry("la", "<"), Map.entry("ra", ">"), Map.entry("co", "\u00a9"), Map.entry("rg", "\u00ae"),
            Map.entry("tm", "\u2122"), Map.entry("de", "\u00b0"), Map.entry("dg", "\u2020"), Map.entry("dd", "\u2021"),
            Map.entry("sc", "\u00a7"), Map.entry("ps", "\u00b6"), Map.entry("ct", "\u00a2"), Map.entry("Po", "\u00a3"),
            Map.entry("Eu", "\u20ac"), Map.entry("eu", "\u20ac"), Map.entry("mc", "\u00b5"), Map.entry("12", "\u00bd"),
            Map.entry("14", "\u00bc"), Map.entry("34", "\u00be"), Map.entry("ul", "_"), Map.entry("ba", "|"),
            Map.entry("br", "|"), Map.entry("or", "|"), Map.entry("pl", "+"), Map.entry("eq", "="),
            Map.entry("**", "*"), Map.entry("sq", "\u25a1"), Map.entry("fm", "'"), Map.entry("sd", "\""),
            Map.entry("Fo", "\u00ab"), Map.entry("Fc", "\u00bb"), Map.entry("fo", "\u2039"), Map.entry("fc", "\u203a"),
            Map.entry("ss", "\u00df"), Map.entry("ae", "\u00e6"), Map.entry("AE", "\u00c6"), Map.entry("o/", "\u00f8"),
            Map.entry("O/", "\u00d8"), Map.entry("if", "\u221e"), Map.entry("*a", "\u03b1"), Map.entry("*b", "\u03b2"),
            Map.entry("*m", "\u03bc"), Map.entry("*p", "\u03c0"), Map.entry("tf", "\u2234"), Map.entry("at", "@"),
            Map.entry("sh", "#"), Map.entry("Do", "$"), Map.entry("lB", "["), Map.entry("rB", "]"),
            Map.entry("lC", "{"), Map.entry("rC", "}"));

    private static final Map<Character, Character> ACCENTS = Map.of(
            '\'', '\u0301', '`', '\u0300', '^', '\u0302', ':', '\u0308', '"', '\u0308', '~', '\u0303',
            ',', '\u0327', 'o', '\u030a', 'v', '\u030c');

    /** A named special character ({@code \(xx}, {@code \[name]}, {@code \[u00E9]}); unknown names vanish. */
    static String special(String name) {
        String known = SPECIALS.get(name);
        if (known != null) {
            return known;
        }
        if (name.length() >= 5 && name.charAt(0) == 'u' && name.substring(1).matches("[0-9A-Fa-f]{4,6}(_[0-9A-Fa-f]{4,6})*")) {
            StringBuilder b = new StringBuilder();
            for (String part : name.substring(1).split("_")) {
                b.appendCodePoint(Integer.parseInt(part, 16));
            }
            return Normalizer.normalize(b, Normalizer.Form.NFC);
        }
        if (name.length() == 2 && ACCENTS.containsKey(name.charAt(0)) && Character.isLetter(name.charAt(1))) {
            return Normalizer.normalize("" + name.charAt(1) + ACCENTS.get(name.charAt(0)), Normalizer.Form.NFC);
        }
        if (name.startsWith("char") && name.length() > 4 && name.substring(4).chars().allMatch(Character::isDigit)) {
            return String.valueOf((char) Integer.parseInt(name.substring(4)));
        }
        return "";
    }

    /** Predefined or commonly page-defined strings ({@code \*(lq}, {@code \*R}); unknown strings vanish. */
    static String string(String name) {
        return switch (name) {
            case "lq", "rq", "Lq", "Rq" -> "\"";
            case "R" -> "\u00ae";
            case "Tm" -> "\u2122";
            case "dg" -> "\u2020";
            case "-" -> "\u2014";
            case "Ne" -> "\u2260";
            case "Le" -> "\u2264";
            case "Ge" -> "\u2265";
            case "Pi" -> "\u03c0";
            case "q" -> "\"";
            default -> "";
        };
    }
}
