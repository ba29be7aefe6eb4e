package org.latentbridge.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Entries of the Free On-line Dictionary of Computing (Debian package {@code dict-foldoc}, dictd format) as
 * query/document pairs: the term is the query a user would type, its definition the document. They extend the
 * manual pages where a search needs more documents than those give.
 */
public final class FoldocDictionary {
    /** Definitions shorter than this are mostly cross-references ("See X"). */
    static final int MIN_DEFINITION_CHARS = 200;
    private static final String DICTD_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final Pattern DATE_LINE = Pattern.compile("\\(\\d{4}-\\d{2}-\\d{2}\\)");
    private static final Pattern DOMAIN_TAG = Pattern.compile("<[a-z ,]+>");
    private static final Pattern LINK_BRACES = Pattern.compile("[{}]");
    private static final Pattern URL = Pattern.compile("\\(?(https?|ftp)://[^\\s)]+\\)?");

    private FoldocDictionary() {}

    /**
     * Up to {@code max} entries, spread evenly over the alphabet (every k-th of the eligible terms in sorted order), so
     * the selection is stable and not biased to one letter. Ids are {@code foldoc/<term>}, section {@code foldoc}; a term
     * defined twice keeps its first definition, so fewer than {@code max} entries can come back.
     */
    public static List<ManPage> entries(Path corpusDir, int max) {
        Path dictd = corpusDir.resolve("usr/share/dictd");
        List<String> index;
        byte[] data;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dictd.resolve("foldoc.dict.dz")))) {
            index = Files.readAllLines(dictd.resolve("foldoc.index"), StandardCharsets.UTF_8);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            data = out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the FOLDOC dictionary under " + dictd, e);
        }
        List<ManPage> eligible = new ArrayList<>();
        Set<Long> seenOffsets = new HashSet<>();
        for (String line : index) {
            String[] f = line.split("\t");
            if (f.length != 3 || f[0].startsWith("00") || Character.isLetter(f[0].charAt(0)) == false) {
                continue;
            }
            long offset = decode(f[1]), length = decode(f[2]);
            if (seenOffsets.add(offset) == false || offset + length > data.length) {
                continue; // a synonym pointing at a definition already taken
            }
            String definition = definition(new String(data, (int) offset, (int) length, StandardCharsets.UTF_8));
            if (definition.length() >= MIN_DEFINITION_CHARS) {
                eligible.add(new ManPage("foldoc/" + f[0], "foldoc", List.of(f[0]), f[0], definition));
            }
        }
        eligible.sort(Comparator.comparing(ManPage::id));
        int take = Math.min(max, eligible.size());
        // The index lists headwords lower-cased, so two entries ("Alpha", "ALPHA") can share an id: keep the first.
        Map<String, ManPage> picked = new LinkedHashMap<>();
        for (int i = 0; i < take; i++) {
            ManPage entry = eligible.get((int) ((long) i * eligible.size() / take));
            picked.putIfAbsent(entry.id(), entry);
        }
        return List.copyOf(picked.values());
    }

    /** The body of an entry: every line after the headword, link braces, domain tags, URLs and dates removed. */
    static String definition(String entry) {
        int firstBreak = entry.indexOf('\n');
        String body = firstBreak < 0 ? "" : entry.substring(firstBreak + 1);
        body = DATE_LINE.matcher(body).replaceAll(" ");
        body = URL.matcher(body).replaceAll(" ");
        body = DOMAIN_TAG.matcher(body).replaceAll(" ");
        body = LINK_BRACES.matcher(body).replaceAll("");
        return ManPageParser.truncate(Prose.collapse(body).trim(), ManPageParser.MAX_DESCRIPTION_CHARS);
    }

    /** dictd's base-64 numbers: most significant digit first. */
    static long decode(String digits) {
        long v = 0;
        for (int i = 0; i < digits.length(); i++) {
            v = v * 64 + DICTD_DIGITS.indexOf(digits.charAt(i));
        }
        return v;
    }
}
