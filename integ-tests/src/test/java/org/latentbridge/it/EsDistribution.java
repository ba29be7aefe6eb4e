package org.latentbridge.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A private, per-test-JVM copy of the Elasticsearch distribution with a given set of plugins installed.
 *
 * <p>Why a copy: {@code elasticsearch-plugin install} writes into the distribution's {@code plugins/} directory,
 * which every node started from that distribution shares. Installing into the pristine unpacked tree would make
 * the next run fail ("plugin already exists") and leak plugins between clusters that want different sets. A copy
 * per JVM run (about 150 MB, well under a second) keeps every run independent of the previous one; clusters in the
 * same run with the same plugin set share one copy, so the plugin is installed once.
 *
 * <p>Run directories are named after the test JVM's pid ({@code it-work/run-<pid>}); those of JVMs that are no
 * longer alive are deleted on first use, so {@code target/} does not grow across re-runs without {@code clean}.
 */
final class EsDistribution {

    private static final Map<List<Path>, Path> INSTALLED = new HashMap<>();
    private static Path runDir;

    private EsDistribution() {}

    /** This JVM's run directory, created (and stale siblings removed) on first call. */
    static synchronized Path runDir() {
        if (runDir == null) {
            Path work = ItEnvironment.workDir();
            try {
                Files.createDirectories(work);
                deleteStaleRuns(work);
                runDir = Files.createDirectories(work.resolve("run-" + ProcessHandle.current().pid()));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the integration-test work directory under " + work, e);
            }
        }
        return runDir;
    }

    /**
     * The home of a copy of {@code line}'s distribution with exactly {@code pluginZips} installed, prepared on first request and reused
     * afterwards. The copy is owned by the node user.
     */
    static synchronized Path withPlugins(EsLine line, List<Path> pluginZips) {
        List<Path> key = new ArrayList<>(List.of(line.pristineHome().toAbsolutePath().normalize()));
        pluginZips.forEach(p -> key.add(p.toAbsolutePath().normalize()));
        Path home = INSTALLED.get(key);
        if (home == null) {
            home = prepare(line, key.subList(1, key.size()), INSTALLED.size());
            INSTALLED.put(List.copyOf(key), home);
        }
        return home;
    }

    private static Path prepare(EsLine line, List<Path> pluginZips, int index) {
        Path pristine = line.pristineHome();
        Path base = runDir().resolve("distribution-" + index);
        Path home = base.resolve(pristine.getFileName());
        NodeUser user = NodeUser.current();
        try {
            long t0 = System.nanoTime();
            copyTree(pristine, home);
            Path zips = Files.createDirectories(base.resolve("plugin-zips"));
            Path tmp = Files.createDirectories(base.resolve("tmp"));
            for (Path zip : pluginZips) {
                // The node user may not be able to read the build's copy (e.g. under a root-only local repository).
                Files.copy(zip, zips.resolve(zip.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            user.checkCanReach(base);
            user.own(base);
            Timings.record("distribution copy", System.nanoTime() - t0);

            for (Path zip : pluginZips) {
                long t1 = System.nanoTime();
                Path copy = zips.resolve(zip.getFileName());
                NodeUser.Result r = user.run(
                        List.of(home.resolve("bin/elasticsearch-plugin").toString(), "install", "--batch", copy.toUri().toString()),
                        NodeUser.env("ES_JAVA_HOME", line.javaHome().toString(), "ES_PATH_CONF",
                                home.resolve("config").toString(), "ES_TMPDIR", tmp.toString(), "HOME", base.toString()),
                        base, base.resolve("plugin-install-" + zip.getFileName() + ".log"), Duration.ofMinutes(3));
                if (r.exitCode() != 0) {
                    throw new IllegalStateException("Installing plugin " + zip + " failed (exit " + r.exitCode() + "):\n" + r.output());
                }
                Timings.record("plugin install " + zip.getFileName(), System.nanoTime() - t1);
            }
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare a distribution copy in " + base, e);
        }
    }

    /** Copies a tree keeping permissions (the scripts must stay executable); symlinks are copied as links. */
    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                        StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes a tree; used for run directories of dead JVMs and for retried node directories. */
    static void deleteTree(Path root) throws IOException {
        if (Files.notExists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteStaleRuns(Path work) throws IOException {
        try (Stream<Path> runs = Files.list(work)) {
            for (Path run : runs.filter(p -> p.getFileName().toString().matches("run-\\d+")).toList()) {
                long pid = Long.parseLong(run.getFileName().toString().substring("run-".length()));
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false) {
                    try {
                        deleteTree(run);
                    } catch (IOException e) {
                        // Not fatal: a left-over directory only costs disk space until the next `mvn clean`.
                        System.err.println("[es-harness] could not delete stale run directory " + run + ": " + e);
                    }
                }
            }
        }
    }
}
