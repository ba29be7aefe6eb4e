package org.latentbridge.it;

import com.sun.security.auth.module.UnixSystem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs Elasticsearch's scripts as a user Elasticsearch accepts.
 *
 * <p>Elasticsearch refuses to start as root ("can not run elasticsearch as root"), and CI runs the build as root.
 * So when the test JVM is root, every Elasticsearch command goes through {@code runuser -u latent-es --}, the
 * system user {@value #ES_USER} is created on first use, and the directories the nodes write to are handed to it
 * with {@code chown}. As any other user, commands run directly and nothing changes owner.
 *
 * <p>Environment: the variables that would change how the scripts pick their JVM or options
 * ({@code JAVA_TOOL_OPTIONS}, {@code ES_JAVA_OPTS}, ...) are removed from the inherited environment, and the
 * caller's variables are passed explicitly through {@code env}, because {@code runuser} resets some
 * ({@code HOME}, {@code USER}).
 */
final class NodeUser {

    /** The system user that runs Elasticsearch when the tests run as root. */
    static final String ES_USER = "latent-es";

    private static final List<String> SCRUBBED_ENV = List.of("JAVA_HOME", "ES_JAVA_HOME", "ES_JAVA_OPTS", "ES_PATH_CONF",
            "ES_HOME", "ES_TMPDIR", "CLI_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS");

    private static NodeUser current;

    private final boolean switchUser;

    private NodeUser(boolean switchUser) {
        this.switchUser = switchUser;
    }

    /** The user for this JVM; creates {@value #ES_USER} the first time it is needed. */
    static synchronized NodeUser current() {
        if (current == null) {
            boolean root = new UnixSystem().getUid() == 0;
            if (root) {
                ensureEsUserExists();
            }
            current = new NodeUser(root);
        }
        return current;
    }

    /** Whether commands are run as {@value #ES_USER} rather than as the test JVM's user. */
    boolean switchesUser() {
        return switchUser;
    }

    /** Gives {@code dir} and everything below it to the node user (a no-op when not root). */
    void own(Path dir) {
        if (switchUser) {
            Result r = runPlain(List.of("chown", "-R", ES_USER + ":" + ES_USER, dir.toString()), Duration.ofMinutes(2));
            if (r.exitCode() != 0) {
                throw new IllegalStateException("chown of " + dir + " failed: " + r.output());
            }
        }
    }

    /**
     * Checks the node user can reach {@code dir}; fails early with an explanation rather than letting a node die on
     * a permission error (a checkout under {@code /root}, mode 700, is the usual cause).
     */
    void checkCanReach(Path dir) {
        if (switchUser) {
            Result r = runPlain(List.of("runuser", "-u", ES_USER, "--", "test", "-x", dir.toString()), Duration.ofSeconds(30));
            if (r.exitCode() != 0) {
                throw new IllegalStateException("User " + ES_USER + " cannot reach " + dir + ": every parent directory must be"
                        + " searchable by others (chmod o+x), or build the project in a directory outside /root");
            }
        }
    }

    /**
     * Starts {@code command} as the node user with {@code env} added to a scrubbed environment; stdout and stderr go
     * to {@code output}.
     */
    Process start(List<String> command, Map<String, String> env, Path workDir, Path output) throws IOException {
        List<String> full = new ArrayList<>();
        if (switchUser) {
            full.addAll(List.of("runuser", "-u", ES_USER, "--"));
        }
        full.add("env");
        env.forEach((k, v) -> full.add(k + "=" + v));
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        SCRUBBED_ENV.forEach(pb.environment().keySet()::remove);
        return pb.start();
    }

    /** Runs {@code command} as the node user and waits; the result holds the exit code and combined output. */
    Result run(List<String> command, Map<String, String> env, Path workDir, Path output, Duration timeout) {
        try {
            Process p = start(command, env, workDir, output);
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (done == false) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, "timed out after " + timeout + ": " + String.join(" ", command) + "\n" + read(output));
            }
            return new Result(p.exitValue(), read(output));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command, e);
        }
    }

    private static void ensureEsUserExists() {
        if (runPlain(List.of("id", "-u", ES_USER), Duration.ofSeconds(30)).exitCode() == 0) {
            return;
        }
        Result r = runPlain(List.of("useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin",
                ES_USER), Duration.ofSeconds(60));
        // Exit 9 means another build created it in the meantime; re-check rather than trust the code.
        if (r.exitCode() != 0 && runPlain(List.of("id", "-u", ES_USER), Duration.ofSeconds(30)).exitCode() != 0) {
            throw new IllegalStateException("Tests run as root, and Elasticsearch refuses root, but creating user " + ES_USER
                    + " failed: " + r.output());
        }
    }

    /** Runs a command as the test JVM's own user, unchanged environment, output captured. */
    private static Result runPlain(List<String> command, Duration timeout) {
        try {
            Path out = Files.createTempFile("latent-it-cmd", ".log");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) == false) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    return new Result(-1, "timed out: " + command);
                }
                return new Result(p.exitValue(), read(out));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command, e);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    /** Builds an environment map in insertion order (the order shows in error messages). */
    static Map<String, String> env(String... keyValues) {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return env;
    }

    /** Exit code and combined stdout/stderr of a finished command. */
    record Result(int exitCode, String output) {}
}
