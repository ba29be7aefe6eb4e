package org.latentbridge.it;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One Elasticsearch line a cluster runs: the version, its pristine unpacked distribution, the plugin zip built for it
 * and the JDK its nodes run on. {@link ItEnvironment#line()} is the line under test; {@link ItEnvironment#es8Line()} the
 * 8.19 line, which {@link UpgradeIT} starts from.
 */
public record EsLine(String version, Path pristineHome, Path pluginZip, Path javaHome) {

    public EsLine {
        if (Files.isRegularFile(pristineHome.resolve("bin/elasticsearch")) == false) {
            throw new IllegalStateException("No Elasticsearch " + version + " distribution at " + pristineHome
                + ": run the tests through Maven, e.g. `bin/mvn -pl integ-tests -am verify`, whose pre-integration-test phase unpacks it");
        }
        if (Files.isRegularFile(pluginZip) == false) {
            throw new IllegalStateException("Plugin zip " + pluginZip + " does not exist: build the plugin modules first");
        }
    }

    public int major() {
        return Integer.parseInt(version.substring(0, version.indexOf('.')));
    }

    /**
     * The query string that keeps vectors in {@code _source}: 9.x leaves them out by default and takes
     * {@code _source_exclude_vectors}, which 8.19 does not know (and there they are always in).
     */
    public String sourceWithVectorsParameter() {
        return major() >= 9 ? "?_source_exclude_vectors=false" : "";
    }
}
