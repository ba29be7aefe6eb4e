package org.latentbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * The packaged plugin installs into a real node of its line (9.5.3 or 8.19.21) and loads: the cheapest end-to-end proof
 * that the descriptor, the zip layout and the plugin class agree with what this Elasticsearch version accepts. Security is off here;
 * {@link SecuredNodeIT} covers the secured path.
 */
class PluginInstalledIT {

    private static final String PLUGIN = "latent-bridge";

    @RegisterExtension
    static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("plugin-installed").nodes(1).build();

    @Test
    void catPluginsListsThePluginWithTheProjectVersion() {
        JsonNode rows = CLUSTER.http().get("_cat/plugins?format=json").ok();
        List<String> seen = new ArrayList<>();
        for (JsonNode row : rows) {
            seen.add(row.path("component").asText() + "@" + row.path("version").asText());
        }
        assertEquals(List.of(PLUGIN + "@" + ItEnvironment.pluginVersion()), seen, "_cat/plugins: " + rows);
    }

    @Test
    void nodesInfoShowsThePluginLoadedOnA953Node() {
        JsonNode nodes = CLUSTER.http().get("_nodes/plugins").ok().path("nodes");
        assertEquals(1, nodes.size(), "nodes: " + nodes);
        JsonNode node = nodes.elements().next();
        assertEquals(ItEnvironment.esVersion(), node.path("version").asText(), "node version");
        JsonNode plugin = null;
        for (JsonNode p : node.path("plugins")) {
            if (PLUGIN.equals(p.path("name").asText())) {
                plugin = p;
            }
        }
        assertTrue(plugin != null, "plugin not in _nodes/plugins: " + node.path("plugins"));
        assertEquals(ItEnvironment.pluginVersion(), plugin.path("version").asText());
        assertEquals(ItEnvironment.esVersion(), plugin.path("elasticsearch_version").asText());
        assertEquals("org.latentbridge.plugin.LatentBridgePlugin", plugin.path("classname").asText());
        assertEquals(ItEnvironment.pluginJavaVersion(), plugin.path("java_version").asText());
    }

    @Test
    void nodeLogSaysThePluginWasLoaded() {
        String log = CLUSTER.node(0).readServerLog();
        assertTrue(log.contains("loaded plugin [" + PLUGIN + "]"), "no 'loaded plugin [" + PLUGIN + "]' in " + CLUSTER.node(0).serverLog());
    }

    /** The node's jar-hell check fails on a second copy of a class it already has, so the zip must not ship its jars. */
    @Test
    void pluginZipHasEverythingAtTheRootAndNoElasticsearchOrLuceneJars() throws IOException {
        List<String> names;
        try (ZipFile zip = new ZipFile(ItEnvironment.line().pluginZip().toFile())) {
            names = Collections.list(zip.entries()).stream().map(ZipEntry::getName).sorted().toList();
        }
        assertTrue(names.contains("plugin-descriptor.properties"), "descriptor at the root: " + names);
        for (String name : names) {
            assertFalse(name.contains("/"), "entry not at the zip root: " + name);
            assertFalse(name.startsWith("elasticsearch") || name.startsWith("lucene") || name.startsWith("log4j"),
                    "node-provided jar in the plugin zip: " + name);
        }
        assertTrue(names.stream().anyMatch(n -> n.startsWith("latent-bridge-plugin-") && n.endsWith(".jar")), "plugin jar: " + names);
        assertTrue(names.stream().anyMatch(n -> n.startsWith("latent-bridge-core-") && n.endsWith(".jar")), "core jar: " + names);
    }

    /**
     * Every class the zip ships runs on the Java its descriptor declares: an 8.19 node may run on Java 17, where a class
     * compiled for 21 (ours or a dependency's) fails only when first loaded, with {@code UnsupportedClassVersionError}.
     */
    @Test
    void noClassInTheZipNeedsANewerJavaThanTheDescriptorDeclares() throws IOException {
        int allowedMajor = 44 + Integer.parseInt(ItEnvironment.pluginJavaVersion());
        int classes = 0;
        try (ZipFile zip = new ZipFile(ItEnvironment.line().pluginZip().toFile())) {
            for (ZipEntry jarEntry : Collections.list(zip.entries())) {
                if (jarEntry.getName().endsWith(".jar") == false) {
                    continue;
                }
                try (ZipInputStream jar = new ZipInputStream(zip.getInputStream(jarEntry))) {
                    for (ZipEntry e = jar.getNextEntry(); e != null; e = jar.getNextEntry()) {
                        // multi-release jars may carry newer classes under META-INF/versions/N, loaded only on Java N
                        if (e.getName().endsWith(".class") == false || e.getName().startsWith("META-INF/")) {
                            continue;
                        }
                        byte[] header = jar.readNBytes(8);
                        int major = ((header[6] & 0xff) << 8) | (header[7] & 0xff);
                        assertTrue(major <= allowedMajor, jarEntry.getName() + "!" + e.getName() + " has class file version " + major
                            + ", above " + allowedMajor + " (Java " + ItEnvironment.pluginJavaVersion() + ")");
                        classes++;
                    }
                }
            }
        }
        assertTrue(classes > 100, "read the classes of the zip's jars: " + classes);
    }
}
