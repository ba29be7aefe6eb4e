package org.latentbridge.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One node of an {@link ElasticsearchCluster}: its directories, ports and, while it runs, its process id.
 *
 * <p>Every node has its own {@code config}, {@code data}, {@code logs} and {@code tmp} under the cluster
 * directory, while the binaries (and so the installed plugins) are shared with the other nodes started from the
 * same distribution copy. The pid is read from the pid file right after start, because Elasticsearch deletes that
 * file when it exits and stopping must not depend on it.
 */
public final class ClusterNode {

    private final ElasticsearchCluster cluster;
    private final int index;
    private final String name;
    private final Path dir;
    private final int httpPort;
    private final int transportPort;
    private volatile long pid = -1;
    private volatile EsLine line;
    private volatile Path esHome;

    ClusterNode(ElasticsearchCluster cluster, int index, String name, Path dir, int httpPort, int transportPort) {
        this.cluster = cluster;
        this.index = index;
        this.name = name;
        this.dir = dir;
        this.httpPort = httpPort;
        this.transportPort = transportPort;
    }

    public int index() {
        return index;
    }

    /** The {@code node.name}, {@code <cluster>-<index>}. */
    public String name() {
        return name;
    }

    public int httpPort() {
        return httpPort;
    }

    public int transportPort() {
        return transportPort;
    }

    /** The node's own directory (config, data, logs, tmp, pid file, console output). */
    public Path dir() {
        return dir;
    }

    public Path configDir() {
        return dir.resolve("config");
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    public Path logsDir() {
        return dir.resolve("logs");
    }

    Path tmpDir() {
        return dir.resolve("tmp");
    }

    Path pidFile() {
        return dir.resolve("elasticsearch.pid");
    }

    /** What the start script printed (stdout and stderr); start-up errors that never reach the log land here. */
    public Path consoleLog() {
        return dir.resolve("console.log");
    }

    /** The node's plain-text server log, {@code logs/<cluster name>.log}. */
    public Path serverLog() {
        return logsDir().resolve(cluster.name() + ".log");
    }

    /** The server log's content, for assertions such as "loaded plugin [latent-bridge]". */
    public String readServerLog() {
        try {
            return Files.readString(serverLog(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Elasticsearch line the node runs (or last ran, or starts) on. */
    public EsLine line() {
        return line;
    }

    /** The distribution copy, with the plugins installed, whose {@code bin/elasticsearch} starts this node. */
    Path esHome() {
        return esHome;
    }

    void runOn(EsLine line, Path esHome) {
        this.line = line;
        this.esHome = esHome;
    }

    /** The process id while the node runs, -1 otherwise. */
    public long pid() {
        return pid;
    }

    void pid(long value) {
        this.pid = value;
    }

    public URI httpUri() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    /** A client for this node, with the cluster's admin credentials when security is on. */
    public EsHttp http() {
        EsHttp http = new EsHttp(httpUri(), null);
        ElasticsearchCluster.User admin = cluster.admin();
        return admin == null ? http : http.as(admin.name(), admin.password());
    }

    /** The last {@code lines} lines of a file, or a note that it does not exist; for failure messages. */
    static String tail(Path file, int lines) {
        try {
            if (Files.exists(file) == false) {
                return "(" + file + " does not exist)";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    @Override
    public String toString() {
        return name + " (http " + httpPort + ", transport " + transportPort + ", pid " + pid + ")";
    }
}
