package org.latentbridge.testing;

import java.util.regex.Pattern;

/**
 * Accumulates rendered words with roff's spacing rules (a blank between words unless told to join, closing
 * punctuation attached to the word before it) and yields one line of collapsed prose. Exists so the man(7)
 * and mdoc(7) readers share one notion of "where do spaces go".
 */
final class Prose {

    private static final Pattern JOINS = Pattern.compile(Roff.JOIN + "\\s*");
    private static final Pattern BLANKS = Pattern.compile("[\\s\\u00a0]+");

    private final StringBuilder text = new StringBuilder();
    private boolean noSpace = true;

    /** Appends a word (or a rendered line), separated from what precedes it by a blank unless joined. */
    Prose word(String w) {
        if (w.isEmpty()) {
            return this;
        }
        if (!noSpace && !text.isEmpty()) {
            text.append(' ');
        }
        text.append(w);
        noSpace = false;
        return this;
    }

    /** Appends directly after the previous output, e.g. closing punctuation. */
    Prose attach(String w) {
        text.append(w);
        noSpace = false;
        return this;
    }

    /** The next {@link #word} joins the previous output without a blank. */
    Prose noSpaceNext() {
        noSpace = true;
        return this;
    }

    int length() {
        return text.length();
    }

    /** The last non-blank character so far, or 0. */
    char lastChar() {
        for (int i = text.length() - 1; i >= 0; i--) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c;
            }
        }
        return 0;
    }

    /** The text with {@code \c} joins applied and whitespace collapsed to single blanks. */
    @Override
    public String toString() {
        return collapse(text);
    }

    static String collapse(CharSequence s) {
        String joined = JOINS.matcher(s).replaceAll("");
        return BLANKS.matcher(joined).replaceAll(" ").strip();
    }
}
