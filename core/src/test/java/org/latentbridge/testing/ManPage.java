package org.latentbridge.testing;

import java.util.List;
import java.util.Objects;

/**
 * One manual page reduced to what retrieval experiments need: the one-line NAME description, which reads
 * like a user's search query, and the DESCRIPTION section as plain prose, which is the document that should
 * be found for it. Pairs like these come from the page authors rather than from us, so they make an
 * unbiased query/document set for measuring cross-model search.
 *
 * @param id          stable unique id, the page's path under the man root without ".gz", e.g. "man2/open.2"
 * @param section     the section suffix of the file name, e.g. "2", "3type" or "9freebsd"
 * @param names       the names the page documents, e.g. [open, openat, creat]
 * @param summary     the NAME line's description, e.g. "open and possibly create a file"
 * @param description the DESCRIPTION section as plain text, whitespace collapsed, truncated at a word boundary
 */
public record ManPage(String id, String section, List<String> names, String summary, String description) {

    public ManPage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(section, "section");
        names = List.copyOf(names);
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(description, "description");
    }

    /** The conventional reference form, e.g. "open(2)"; falls back to the file name when no names were parsed. */
    public String title() {
        String name = names.isEmpty() ? id.substring(id.lastIndexOf('/') + 1).replaceFirst("\\.[^.]*$", "") : names.get(0);
        return name + "(" + section + ")";
    }
}
