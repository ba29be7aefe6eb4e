package org.latentbridge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * A real retrieval corpus with natural query/document pairs: the regular manual pages of three pinned Debian
 * bookworm packages (manpages and manpages-dev 6.03-2, freebsd-manpages 12.2-1), where each page's NAME line is
 * the query and its DESCRIPTION the document. The pages are fetched once by {@code config/corpus/fetch-corpus.sh}
 * into a shared cache directory, so every module and checkout reuses them, and parsed on load.
 *
 * <p>Symbolic links and {@code .so} redirect pages are aliases and are skipped; so are pages with an empty
 * summary or a description shorter than {@link #MIN_DESCRIPTION_CHARS}, and pages whose (summary,
 * description) duplicate an earlier page's. Pages are sorted by id, so the order is stable across runs.
 */
public final class ManPageCorpus {

    /** Directory name under {@code <cache>/corpus}; bump it whenever the pinned packages change. */
    public static final String CORPUS_NAME = "debian-corpus-v2";
    /** Directory name of the extra manual pages of {@link #large()}; bump it whenever corpus-extra.sha256 changes. */
    public static final String EXTRA_CORPUS_NAME = "debian-corpus-extra-v1";
    /** The pin file of the extra manual pages, next to the fetch script. */
    static final String EXTRA_PINS = "corpus-extra.sha256";
    /** Descriptions shorter than this carry too little to be a document. */
    public static final int MIN_DESCRIPTION_CHARS = 80;
    /** System property naming the shared cache directory. */
    public static final String CACHE_DIR_PROPERTY = "latent.cache.dir";
    /** System property naming the fetch script. */
    public static final String SCRIPT_PROPERTY = "latent.corpus.script";

    private static final Path SCRIPT_RELATIVE = Path.of("config", "corpus", "fetch-corpus.sh");
    private static volatile ManPageCorpus shared;
    private static volatile ManPageCorpus sharedLarge;

    private final Path root;
    private final List<ManPage> pages;
    private final Map<String, ManPage> byId;

    private ManPageCorpus(Path root, List<ManPage> pages) {
        this.root = root;
        this.pages = List.copyOf(pages);
        this.byId = this.pages.stream().collect(Collectors.toUnmodifiableMap(ManPage::id, Function.identity()));
    }

    /**
     * The corpus from the shared cache, fetching it first if needed. Parsed once per JVM (about a second);
     * later calls return the same instance.
     */
    public static ManPageCorpus load() {
        ManPageCorpus c = shared;
        if (c == null) {
            synchronized (ManPageCorpus.class) {
                c = shared;
                if (c == null) {
                    c = load(ensureFetched());
                    shared = c;
                }
            }
        }
        return c;
    }

    /**
     * The large corpus (over 10,000 documents) for the demo and end-to-end measurements: the pages of {@link #load()},
     * the manual pages of five more pinned packages (Tcl, Tk, ncurses, Open MPI, Allegro 4; {@code corpus-extra.sha256})
     * and every eligible FOLDOC term. Fetched and parsed once per JVM.
     */
    public static ManPageCorpus large() {
        ManPageCorpus c = sharedLarge;
        if (c == null) {
            synchronized (ManPageCorpus.class) {
                c = sharedLarge;
                if (c == null) {
                    ManPageCorpus extra = load(ensureFetched(EXTRA_CORPUS_NAME, EXTRA_PINS));
                    ManPageCorpus base = load().withFoldoc(Integer.MAX_VALUE);
                    List<ManPage> all = new ArrayList<>(base.pages());
                    // The extra tree has its own man root: prefix its ids so they never collide with the base pages'.
                    extra.pages().forEach(p -> all.add(
                        new ManPage("extra/" + p.id(), p.section(), p.names(), p.summary(), p.description())));
                    all.sort(Comparator.comparing(ManPage::id));
                    c = new ManPageCorpus(base.root, all);
                    sharedLarge = c;
                }
            }
        }
        return c;
    }

    /**
     * Parses a corpus directory: either a fetched tree (containing {@code usr/share/man}) or a man root
     * (containing {@code man1}, {@code man2}, ...).
     */
    public static ManPageCorpus load(Path dir) {
        Path manRoot = Files.isDirectory(dir.resolve("usr/share/man")) ? dir.resolve("usr/share/man") : dir;
        List<Path> files;
        try (Stream<Path> walk = Files.walk(manRoot)) {
            files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> p.getFileName().toString().endsWith(".gz"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + manRoot, e);
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no manual pages under " + manRoot);
        }
        List<ManPage> parsed = files.parallelStream()
                .map(p -> parseFile(manRoot, p))
                .flatMap(Optional::stream)
                .filter(p -> !p.summary().isBlank() && p.description().length() >= MIN_DESCRIPTION_CHARS)
                .sorted(Comparator.comparing(ManPage::id))
                .toList();
        // FreeBSD installs one copy of a page per documented name: keep one, preferring the file named
        // after the page's first name (malloc.9freebsd over MALLOC_DECLARE.9freebsd).
        Map<String, ManPage> unique = new LinkedHashMap<>();
        for (ManPage p : parsed) {
            unique.merge(p.summary() + '\u0000' + p.description(), p,
                    (kept, other) -> isCanonical(other) && !isCanonical(kept) ? other : kept);
        }
        List<ManPage> kept = unique.values().stream().sorted(Comparator.comparing(ManPage::id)).toList();
        return new ManPageCorpus(manRoot, kept);
    }

    /**
     * These pages plus up to {@code maxTerms} FOLDOC terms ({@link FoldocDictionary}, fetched with the manual pages):
     * for searches that need more documents than the manual pages give. Ids stay unique ({@code foldoc/<term>}).
     */
    public ManPageCorpus withFoldoc(int maxTerms) {
        Path tree = root.endsWith(Path.of("usr", "share", "man")) ? root.getParent().getParent().getParent() : root;
        List<ManPage> all = new ArrayList<>(pages);
        all.addAll(FoldocDictionary.entries(tree, maxTerms));
        all.sort(Comparator.comparing(ManPage::id));
        return new ManPageCorpus(root, all);
    }

    /** Whether the page's file is named after the first name it documents. */
    private static boolean isCanonical(ManPage p) {
        String file = p.id().substring(p.id().lastIndexOf('/') + 1);
        return !p.names().isEmpty() && file.equals(p.names().get(0) + "." + p.section());
    }

    private static Optional<ManPage> parseFile(Path manRoot, Path file) {
        String rel = manRoot.relativize(file).toString().replace('\\', '/');
        String id = rel.substring(0, rel.length() - ".gz".length());
        String fileName = id.substring(id.lastIndexOf('/') + 1);
        int dot = fileName.lastIndexOf('.');
        String section = dot < 0 ? "" : fileName.substring(dot + 1);
        try {
            return ManPageParser.parse(id, section, read(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Reads a gzip'd page as UTF-8, falling back to Latin-1 for the odd legacy page. */
    private static String read(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            bytes = in.readAllBytes();
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /** The shared cache directory: system property {@value #CACHE_DIR_PROPERTY}, else ~/.cache/latent-bridge. */
    public static Path cacheDir() {
        String configured = System.getProperty(CACHE_DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "latent-bridge");
    }

    /** Where the fetched corpus lives: {@code <cache>/corpus/<CORPUS_NAME>}. */
    public static Path corpusDir() {
        return cacheDir().resolve("corpus").resolve(CORPUS_NAME);
    }

    /** Makes sure the base corpus ({@code corpus.sha256}) is fetched and returns its directory. */
    public static Path ensureFetched() {
        return ensureFetched(CORPUS_NAME, "corpus.sha256");
    }

    /**
     * Makes sure the corpus of a pin file is fetched into {@code <cache>/corpus/<name>} and returns it. The fetch script is idempotent and
     * verifies the pinned SHA-256 sums, so it is run whenever it can be found (a no-op taking milliseconds when the
     * corpus is complete); without the script an already complete directory is used as is.
     */
    private static Path ensureFetched(String name, String pinsFile) {
        Path dir = cacheDir().resolve("corpus").resolve(name);
        Optional<Path> script = findScript();
        if (script.isEmpty()) {
            if (Files.isRegularFile(dir.resolve(".complete"))) {
                return dir;
            }
            throw new IllegalStateException("The man page corpus is not in " + dir + " and " + SCRIPT_RELATIVE
                    + " was not found (set -D" + SCRIPT_PROPERTY + "=/path/to/fetch-corpus.sh)");
        }
        runScript(script.get(), dir, pinsFile);
        if (!Files.isRegularFile(dir.resolve(".complete"))) {
            throw new IllegalStateException(script.get() + " finished but " + dir + " is not complete");
        }
        return dir;
    }

    private static Optional<Path> findScript() {
        String configured = System.getProperty(SCRIPT_PROPERTY);
        if (configured != null && !configured.isBlank() && Files.isRegularFile(Path.of(configured))) {
            return Optional.of(Path.of(configured));
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve(SCRIPT_RELATIVE);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static void runScript(Path script, Path dir, String pinsFile) {
        try {
            Process p = new ProcessBuilder("bash", script.toString(), dir.toString(), pinsFile)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            if (!p.waitFor(15, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(script + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(script + " " + dir + " failed with exit code " + p.exitValue()
                        + " (see its message above)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching the corpus", e);
        }
    }

    /** All kept pages, sorted by id. */
    public List<ManPage> pages() {
        return pages;
    }

    public int size() {
        return pages.size();
    }

    /** The page with this id, e.g. "man2/open.2". */
    public Optional<ManPage> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Summaries (the queries) in page order. */
    public List<String> summaries() {
        return pages.stream().map(ManPage::summary).toList();
    }

    /** Descriptions (the documents) in page order. */
    public List<String> descriptions() {
        return pages.stream().map(ManPage::description).toList();
    }

    /** The man root the pages were read from. */
    public Path root() {
        return root;
    }
}
