package org.latentbridge.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The paths and versions Maven hands to the integration tests as system properties (see the failsafe
 * configuration in {@code integ-tests/pom.xml}).
 *
 * <p>Kept in one place so that a test started outside Maven (an IDE) fails with a message saying which property
 * is missing and how to get it, instead of a {@code NullPointerException} deep in the harness.
 */
public final class ItEnvironment {

    private ItEnvironment() {}

    /** The Elasticsearch version the distribution was built for, e.g. {@code 9.5.3} or {@code 8.19.21}. */
    public static String esVersion() {
        return required("latent.es.version");
    }

    /** The Elasticsearch major version under test: 9, or 8 in the es8 failsafe execution. */
    public static int esMajor() {
        return Integer.parseInt(esVersion().substring(0, esVersion().indexOf('.')));
    }

    /** The query string that keeps vectors in {@code _source} on the line under test: {@link EsLine#sourceWithVectorsParameter()}. */
    public static String sourceWithVectorsParameter() {
        return line().sourceWithVectorsParameter();
    }

    /** The {@code java.version} the plugin's descriptor declares (its bytecode level). */
    public static String pluginJavaVersion() {
        return required("latent.plugin.java.version");
    }

    /** The line under test: the version, distribution, plugin zip and JDK Maven handed to this test JVM. */
    public static synchronized EsLine line() {
        if (line == null) {
            line = new EsLine(esVersion(), Path.of(required("latent.es.home")), Path.of(required("latent.plugin.zip")),
                javaHome(esMajor(), System.getProperty("latent.es.java.home", "")));
        }
        return line;
    }

    /** The 8.19 line, beside the line under test, for the upgrade test (properties {@code latent.es8.*}). */
    public static EsLine es8Line() {
        return new EsLine(required("latent.es8.version"), Path.of(required("latent.es8.home")), Path.of(required("latent.es8.plugin.zip")),
            javaHome(8, System.getProperty("latent.es8.java.home", "")));
    }

    private static EsLine line;

    /** The project version, which the installed plugin must report. */
    public static String pluginVersion() {
        return required("latent.plugin.version");
    }

    /** Where clusters put their distribution copy, node directories and logs (under {@code target/}). */
    public static Path workDir() {
        return Path.of(System.getProperty("latent.it.workdir", "target/it-work")).toAbsolutePath();
    }

    /** The JDK the nodes of the line under test run on. */
    public static Path javaHome() {
        return line().javaHome();
    }

    /**
     * The JDK for nodes of an Elasticsearch major version. The integ-test-zip has no bundled JDK, so {@code ES_JAVA_HOME}
     * must be set. Unless {@code configured} names one: for 9.x the test JVM's own, which {@code bin/mvn} chose to be 21
     * or newer; for 8.x a JDK 17 under {@code /usr/lib/jvm} when there is one, because 17 is the oldest Java 8.19 runs on
     * and the 8.x plugin must work there (else the test JVM's own).
     */
    private static Path javaHome(int major, String configured) {
        Path own = Path.of(System.getProperty("java.home"));
        return configured.isBlank() == false ? Path.of(configured)
            : major < 9 ? jdkOfFeature(Path.of("/usr/lib/jvm"), 17).orElse(own) : own;
    }

    /** A JDK directory under {@code root} whose {@code release} file says {@code JAVA_VERSION="feature...}. */
    static Optional<Path> jdkOfFeature(Path root, int feature) {
        if (Files.isDirectory(root) == false) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> Files.isSymbolicLink(d) == false && Files.isExecutable(d.resolve("bin/java")))
                .filter(d -> releaseFeature(d) == feature).sorted().findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list JDKs under " + root, e);
        }
    }

    private static int releaseFeature(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=\"")) {
                    String v = line.substring("JAVA_VERSION=\"".length());
                    int end = 0;
                    while (end < v.length() && Character.isDigit(v.charAt(end))) {
                        end++;
                    }
                    return end == 0 ? -1 : Integer.parseInt(v.substring(0, end));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    private static String required(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property " + name + " is not set: run the integration tests through Maven"
                    + " (`bin/mvn -pl integ-tests -am verify`), or pass it with -D" + name + "=...");
        }
        return value;
    }
}
