package org.latentbridge.it;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The paths and versions Maven hands to the integration tests as system properties (see the failsafe
 * configuration in {@code integ-tests/pom.xml}).
 *
 * <p>Kept in one place so that a test started outside Maven (an IDE) fails with a message saying which property
 * is missing and how to get it, instead of a {@code NullPointerException} deep in the harness.
 */
public final class ItEnvironment {

    private ItEnvironment() {}

    /** The Elasticsearch version the distribution was built for, e.g. {@code 9.5.3}. */
    public static String esVersion() {
        return required("latent.es.version");
    }

    /** The unpacked, pristine integ-test-zip distribution. The harness never modifies it. */
    public static Path pristineDistribution() {
        Path home = Path.of(required("latent.es.home"));
        if (Files.isRegularFile(home.resolve("bin/elasticsearch")) == false) {
            throw new IllegalStateException("No Elasticsearch distribution at " + home
                    + " (latent.es.home): run the tests through Maven, e.g. `bin/mvn -pl integ-tests -am verify`,"
                    + " whose pre-integration-test phase unpacks it");
        }
        return home;
    }

    /** The plugin zip built by the {@code plugin} module. */
    public static Path pluginZip() {
        Path zip = Path.of(required("latent.plugin.zip"));
        if (Files.isRegularFile(zip) == false) {
            throw new IllegalStateException("Plugin zip " + zip + " (latent.plugin.zip) does not exist: build the plugin module first");
        }
        return zip;
    }

    /** The project version, which the installed plugin must report. */
    public static String pluginVersion() {
        return required("latent.plugin.version");
    }

    /** Where clusters put their distribution copy, node directories and logs (under {@code target/}). */
    public static Path workDir() {
        return Path.of(System.getProperty("latent.it.workdir", "target/it-work")).toAbsolutePath();
    }

    /**
     * The JDK the nodes run on. The integ-test-zip has no bundled JDK, so {@code ES_JAVA_HOME} must be set; by
     * default it is the test JVM's own, which {@code bin/mvn} already chose to be new enough for Elasticsearch 9.
     */
    public static Path javaHome() {
        return Path.of(System.getProperty("latent.es.java.home", System.getProperty("java.home")));
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
