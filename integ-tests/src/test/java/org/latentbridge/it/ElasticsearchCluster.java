package org.latentbridge.it;

import com.fasterxml.jackson.core.JsonProcessingException;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real Elasticsearch cluster of one or more nodes, started from the integ-test-zip distribution with the
 * Latent Bridge plugin installed, for tests that talk to it over HTTP.
 *
 * <p>Why our own: Elastic's test-clusters Gradle plugin is not published for Maven, and an in-JVM node
 * ({@code ESIntegTestCase}) neither installs the plugin zip nor runs as root. This class does what a person would
 * do by hand: copy the distribution, install the plugin with {@code elasticsearch-plugin install --batch}, write one
 * {@code config/} per node, start every node with {@code bin/elasticsearch -d -p <pid file>} in parallel, wait for
 * green, and at the end stop exactly the processes it started, by pid. Everything lives under
 * {@code integ-tests/target/it-work/run-<test JVM pid>/}; see {@link EsDistribution} and {@link NodeUser} (root).
 *
 * <p>Usage, as a JUnit 5 extension that starts before the class's first test and stops after its last:
 * <pre>{@code
 * @RegisterExtension
 * static final ElasticsearchCluster CLUSTER = ElasticsearchCluster.builder("secured")
 *         .nodes(1).security(true)
 *         .rolesYml("reader: { indices: [ { names: [ 'docs*' ], privileges: [ read ] } ] }")
 *         .user("admin", "admin-password", "superuser")
 *         .user("bob", "bob-password", "reader")
 *         .build();
 *
 * @Test void readsAsBob() { CLUSTER.http().as("bob", "bob-password").get("docs/_search").expectStatus(200); }
 * }</pre>
 * Outside JUnit, call {@link #start()} and {@link #close()} (or {@link #stop()}) yourself. A JVM shutdown hook
 * stops nodes that are still running when the test JVM exits, e.g. after a failsafe timeout.
 */
public final class ElasticsearchCluster implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    /** Every node started by any cluster of this JVM and not yet stopped; the shutdown hook's list. */
    private static final Set<ClusterNode> RUNNING = ConcurrentHashMap.newKeySet();
    private static final Set<String> USED_DIR_NAMES = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ElasticsearchCluster::stopLeftovers, "es-harness-shutdown"));
    }

    private final String name;
    private final int nodeCount;
    private final boolean security;
    private final String heap;
    private final Map<String, String> settings;
    private final List<User> users;
    private final String rolesYml;
    private final List<Path> plugins;
    private final Duration startTimeout;
    private final User admin;

    private final List<ClusterNode> nodes = new ArrayList<>();
    private Path clusterDir;
    /** The line the nodes start on; {@link #upgradeNode} moves single nodes to another. */
    private final EsLine line;
    /** A stopped cluster whose node data directories this one starts from (an upgrade), or null. */
    private final ElasticsearchCluster dataOf;
    private volatile boolean detached;

    private ElasticsearchCluster(Builder b) {
        this.name = b.name;
        this.nodeCount = b.nodeCount;
        this.security = b.security;
        this.heap = b.heap;
        this.settings = Map.copyOf(b.settings);
        this.rolesYml = b.rolesYml;
        this.plugins = b.plugins == null ? null : List.copyOf(b.plugins);
        this.startTimeout = b.startTimeout;
        this.line = b.line != null ? b.line : ItEnvironment.line();
        this.dataOf = b.dataOf;
        List<User> all = new ArrayList<>(b.users);
        User superuser = all.stream().filter(u -> u.roles().contains("superuser")).findFirst().orElse(null);
        if (security && superuser == null) {
            // The harness itself must call _cluster/health; tests can use it too through http().
            superuser = new User("latent-admin", HexFormat.of().formatHex(randomBytes(12)), List.of("superuser"));
            all.add(superuser);
        }
        this.users = List.copyOf(all);
        this.admin = security ? superuser : null;
    }

    /** A builder for a cluster named {@code name} ({@code cluster.name}; nodes are {@code <name>-0}, ...). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public boolean securityEnabled() {
        return security;
    }

    /** The nodes, in index order; empty before {@link #start()}. */
    public synchronized List<ClusterNode> nodes() {
        return List.copyOf(nodes);
    }

    public synchronized ClusterNode node(int index) {
        return nodes.get(index);
    }

    /** A client for node 0, authenticated as the cluster's superuser when security is on. */
    public EsHttp http() {
        return http(0);
    }

    /** A client for node {@code index}, authenticated as the cluster's superuser when security is on. */
    public EsHttp http(int index) {
        return node(index).http();
    }

    /** A client for node 0 authenticated as {@code userName}, one of the users given to the builder. */
    public EsHttp httpAs(String userName) {
        User user = users.stream().filter(u -> u.name().equals(userName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No user [" + userName + "] in cluster " + name));
        return http().as(user.name(), user.password());
    }

    /** The superuser the harness uses (the first user given with role superuser, or a generated one); null without security. */
    public User admin() {
        return admin;
    }

    /** Whether the cluster's nodes are running (started and not stopped). */
    public synchronized boolean isRunning() {
        return nodes.isEmpty() == false && nodes.stream().allMatch(RUNNING::contains);
    }

    /**
     * Prepares and starts all nodes, and returns once the cluster is green with all of them. On failure every node
     * that did start is stopped again and the exception carries the tail of each failed node's output and log.
     */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("Cluster " + name + " is already running");
        }
        List<Path> zips = plugins != null ? plugins : List.of(line.pluginZip());
        Path esHome = EsDistribution.withPlugins(line, zips);
        for (int attempt = 1; ; attempt++) {
            try {
                long t0 = System.nanoTime();
                prepare(esHome);
                long t1 = System.nanoTime();
                Timings.record("cluster " + name + ": prepare " + nodeCount + " node dir(s)", t1 - t0);
                startNodes();
                long t2 = System.nanoTime();
                Timings.record("cluster " + name + ": start " + nodeCount + " node(s) (-d returned)", t2 - t1);
                waitForGreenAtStart();
                Timings.record("cluster " + name + ": start to green", System.nanoTime() - t1);
                return;
            } catch (StartFailure e) {
                stopNodes();
                if (e.portConflict && attempt == 1) {
                    System.out.println("[es-harness] port conflict starting " + name + ", retrying with other ports");
                    continue;
                }
                throw new IllegalStateException(e.getMessage(), e.getCause());
            } catch (RuntimeException | Error e) {
                stopNodes();
                throw e;
            }
        }
    }

    /** Stops this cluster's nodes by pid (SIGTERM, then SIGKILL after 60 s) and waits for them to exit. */
    public synchronized void stop() {
        if (nodes.stream().allMatch(n -> n.pid() <= 0 && Files.notExists(n.pidFile()))) {
            return; // never started, or already stopped
        }
        long t0 = System.nanoTime();
        stopNodes();
        Timings.record("cluster " + name + ": stop", System.nanoTime() - t0);
    }

    /**
     * Stops one node by pid (SIGTERM, then SIGKILL after 60 s) and waits for it to exit; its directories (data
     * included) stay, so {@link #startNode(int)} brings the same node back. The other nodes keep running.
     */
    public synchronized void stopNode(int index) {
        ClusterNode node = node(index);
        if (node.pid() <= 0) {
            readPid(node);
        }
        if (node.pid() <= 0) {
            throw new IllegalStateException(node + " is not running");
        }
        long t0 = System.nanoTime();
        terminate(List.of(node), Duration.ofSeconds(60));
        RUNNING.remove(node);
        Timings.record("cluster " + name + ": stop node " + index, System.nanoTime() - t0);
    }

    /**
     * Kills one node with SIGKILL (a crash: no shutdown hooks, no flush) and waits for the process to be gone; its data
     * stays, so {@link #startNode(int)} brings it back as a restart after a crash would.
     */
    public synchronized void killNode(int index) {
        ClusterNode node = node(index);
        if (node.pid() <= 0) {
            readPid(node);
        }
        ProcessHandle handle = ProcessHandle.of(node.pid()).filter(h -> isProcessOf(node, h.pid()))
            .orElseThrow(() -> new IllegalStateException(node + " is not running"));
        handle.destroyForcibly();
        handle.onExit().orTimeout(60, TimeUnit.SECONDS).join();
        node.pid(-1);
        RUNNING.remove(node);
        try {
            Files.deleteIfExists(node.pidFile()); // a crashed node leaves its pid file behind
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a node stopped with {@link #stopNode(int)} again, with the same config, data and ports, and returns once
     * its start script returned (the node is up); call {@link #waitForGreen()} to wait for it to rejoin.
     */
    public synchronized void startNode(int index) {
        ClusterNode node = node(index);
        if (node.pid() > 0 && RUNNING.contains(node)) {
            throw new IllegalStateException(node + " is already running");
        }
        long t0 = System.nanoTime();
        String failure = startNode(NodeUser.current(), node);
        if (failure != null) {
            throw new IllegalStateException("Restarting " + node + " failed:" + failure);
        }
        Timings.record("cluster " + name + ": restart node " + index + " (-d returned)", System.nanoTime() - t0);
    }

    /**
     * Starts every node stopped with {@link #stopNode(int)} again, all at once, as a full cluster restart does: one after
     * another, the first could not form a cluster until the others come up. Returns once their start scripts returned;
     * call {@link #waitForGreen()} to wait for the cluster.
     */
    public synchronized void startStoppedNodes() {
        List<ClusterNode> stopped = nodes.stream().filter(n -> n.pid() <= 0 || RUNNING.contains(n) == false).toList();
        if (stopped.isEmpty()) {
            return;
        }
        long t0 = System.nanoTime();
        startNodes(stopped);
        Timings.record("cluster " + name + ": restart " + stopped.size() + " node(s) (-d returned)", System.nanoTime() - t0);
    }

    /**
     * Moves a node stopped with {@link #stopNode(int)} to another Elasticsearch line, the step a rolling upgrade takes on
     * each node: its data, ports and settings stay; its binaries (with the plugins installed for {@code to}), the
     * distribution's own config files (JVM options, logging) and its JDK become {@code to}'s. {@link #startNode(int)}
     * then starts it there.
     */
    public synchronized void upgradeNode(int index, EsLine to) {
        ClusterNode node = node(index);
        if (node.pid() > 0 && RUNNING.contains(node)) {
            throw new IllegalStateException(node + " must be stopped before it moves to " + to.version());
        }
        if (plugins != null) {
            throw new IllegalStateException("upgradeNode installs the plugin built for the new line; cluster " + name
                + " was built with other plugins");
        }
        Path home = EsDistribution.withPlugins(to, List.of(to.pluginZip()));
        Path config = home.resolve("config");
        try (Stream<Path> files = Files.walk(config)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = node.configDir().resolve(config.relativize(file).toString());
                if (NODE_OWN_CONFIG.contains(file.getFileName().toString()) && Files.exists(target)) {
                    continue;
                }
                Files.createDirectories(target.getParent());
                Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            }
            NodeUser.current().own(node.configDir());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot move the config of " + node + " to " + to.version(), e);
        }
        node.runOn(to, home);
    }

    /** Config files a node keeps across {@link #upgradeNode}: what the harness wrote, and the node's own keystore. */
    private static final Set<String> NODE_OWN_CONFIG = Set.of("elasticsearch.yml", "heap.options", "roles.yml", "users", "users_roles",
        "elasticsearch.keystore");

    /**
     * Waits until the cluster is green with all its nodes, asking the first running node; fails with the nodes' log
     * tails after the start timeout.
     */
    public void waitForGreen() {
        long t0 = System.nanoTime();
        waitForGreenVia(nodes().stream().filter(n -> n.pid() > 0).findFirst().orElseThrow(
                () -> new IllegalStateException("No node of cluster " + name + " is running")));
        Timings.record("cluster " + name + ": wait for green", System.nanoTime() - t0);
    }

    @Override
    public void close() {
        if (detached == false) {
            stop();
        }
    }

    /**
     * Leaves the nodes running after this JVM exits (the demo's {@code --keep}): neither {@link #close()} nor the
     * shutdown hook stops them. They are then stopped by pid, e.g. {@code kill $(cat <node dir>/es.pid)}.
     */
    public synchronized void detach() {
        detached = true;
        nodes.forEach(RUNNING::remove);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Preparing node directories

    private void prepare(Path esHome) {
        NodeUser user = NodeUser.current();
        try {
            if (clusterDir == null) {
                clusterDir = EsDistribution.runDir().resolve("clusters").resolve(uniqueDirName());
            }
            EsDistribution.deleteTree(clusterDir);
            nodes.clear();
            List<Integer> ports = PortAllocator.allocate(2 * nodeCount);
            for (int i = 0; i < nodeCount; i++) {
                Path dir = clusterDir.resolve("node-" + i);
                ClusterNode node = new ClusterNode(this, i, name + "-" + i, dir, ports.get(2 * i), ports.get(2 * i + 1));
                node.runOn(line, esHome);
                nodes.add(node);
            }
            for (ClusterNode node : nodes) {
                EsDistribution.copyTree(esHome.resolve("config"), node.configDir());
                Files.createDirectories(node.dataDir());
                if (dataOf != null) {
                    EsDistribution.copyTree(dataOf.node(node.index()).dataDir(), node.dataDir());
                }
                Files.createDirectories(node.logsDir());
                Files.createDirectories(node.tmpDir());
                Files.writeString(node.configDir().resolve("elasticsearch.yml"), elasticsearchYml(node), StandardCharsets.UTF_8);
                Path jvmOptions = Files.createDirectories(node.configDir().resolve("jvm.options.d"));
                Files.writeString(jvmOptions.resolve("heap.options"), "-Xms" + heap + "\n-Xmx" + heap + "\n", StandardCharsets.UTF_8);
                if (rolesYml != null) {
                    Files.writeString(node.configDir().resolve("roles.yml"), rolesYml, StandardCharsets.UTF_8);
                }
            }
            user.own(clusterDir);
            if (security && users.isEmpty() == false) {
                addUsers(esHome, user);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the node directories of cluster " + name, e);
        }
    }

    private String uniqueDirName() {
        String candidate = name;
        for (int i = 2; USED_DIR_NAMES.add(candidate) == false; i++) {
            candidate = name + "-" + i;
        }
        return candidate;
    }

    private String elasticsearchYml(ClusterNode node) {
        Map<String, Object> yml = new LinkedHashMap<>();
        yml.put("cluster.name", name);
        yml.put("node.name", node.name());
        yml.put("path.data", node.dataDir().toString());
        yml.put("path.logs", node.logsDir().toString());
        // Loopback keeps the node in development mode: bootstrap checks (vm.max_map_count, transport TLS) only warn.
        yml.put("network.host", "127.0.0.1");
        yml.put("http.port", node.httpPort());
        yml.put("transport.port", node.transportPort());
        if (nodeCount == 1) {
            yml.put("discovery.type", "single-node");
        } else {
            yml.put("discovery.seed_hosts", nodes.stream().map(n -> "127.0.0.1:" + n.transportPort()).toList());
            yml.put("cluster.initial_master_nodes", nodes.stream().map(ClusterNode::name).toList());
        }
        yml.put("xpack.security.enabled", security);
        if (security) {
            yml.put("xpack.security.http.ssl.enabled", false);
            yml.put("xpack.security.transport.ssl.enabled", false);
        }
        // Tests delete with wildcards; a nearly full CI disk must not leave shards unassigned (never green).
        yml.put("action.destructive_requires_name", false);
        yml.put("cluster.routing.allocation.disk.threshold_enabled", false);
        yml.putAll(settings);
        StringBuilder out = new StringBuilder("# Written by the integration-test harness (ElasticsearchCluster).\n");
        yml.forEach((k, v) -> out.append(k).append(": ").append(yamlValue(v)).append('\n'));
        return out.toString();
    }

    /** JSON is a subset of YAML's flow style, so JSON-encoding a value quotes paths and lists safely. */
    private static String yamlValue(Object value) {
        try {
            return EsHttp.JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot encode setting value " + value, e);
        }
    }

    /**
     * Adds the file-realm users with {@code elasticsearch-users useradd} against node 0's config, then copies the
     * resulting {@code users} and {@code users_roles} files to the other nodes (the files are all the CLI writes, and
     * one JVM start per user instead of per user and node keeps multi-node start-up short).
     */
    private void addUsers(Path esHome, NodeUser user) throws IOException {
        long t0 = System.nanoTime();
        ClusterNode first = nodes.get(0);
        for (User u : users) {
            List<String> command = new ArrayList<>(List.of(esHome.resolve("bin/elasticsearch-users").toString(), "useradd", u.name(),
                    "-p", u.password()));
            if (u.roles().isEmpty() == false) {
                command.addAll(List.of("-r", String.join(",", u.roles())));
            }
            NodeUser.Result r = user.run(command, nodeEnv(first), first.dir(), first.dir().resolve("users-cli.log"), Duration.ofMinutes(2));
            if (r.exitCode() != 0) {
                throw new IllegalStateException("elasticsearch-users useradd " + u.name() + " failed (exit " + r.exitCode() + "):\n"
                        + r.output());
            }
        }
        for (ClusterNode node : nodes.subList(1, nodes.size())) {
            for (String file : List.of("users", "users_roles")) {
                Files.copy(first.configDir().resolve(file), node.configDir().resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
            user.own(node.configDir());
        }
        Timings.record("cluster " + name + ": add " + users.size() + " file-realm user(s)", System.nanoTime() - t0);
    }

    private Map<String, String> nodeEnv(ClusterNode node) {
        return NodeUser.env("ES_JAVA_HOME", node.line().javaHome().toString(), "ES_PATH_CONF", node.configDir().toString(),
                "ES_TMPDIR", node.tmpDir().toString(), "HOME", node.dir().toString());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Starting, health, stopping

    private void startNodes() {
        startNodes(nodes);
    }

    private void startNodes(List<ClusterNode> toStart) {
        NodeUser user = NodeUser.current();
        // Started one after another, the first node of a multi-node cluster would wait for the others to form a
        // cluster before `-d` returns; in parallel they find each other.
        try (ExecutorService pool = Executors.newFixedThreadPool(toStart.size())) {
            List<Future<String>> results = new ArrayList<>();
            for (ClusterNode node : toStart) {
                results.add(pool.submit(() -> startNode(user, node)));
            }
            StringBuilder failures = new StringBuilder();
            for (Future<String> result : results) {
                String failure = result.get();
                if (failure != null) {
                    failures.append(failure);
                }
            }
            if (failures.isEmpty() == false) {
                String text = failures.toString();
                throw new StartFailure("Cluster " + name + " failed to start:" + text,
                        text.contains("Address already in use") || text.contains("BindException"), null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting cluster " + name, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Starting cluster " + name + " failed", e.getCause());
        }
    }

    /** Starts one node; returns null on success, or a failure description with the tails of its output and log. */
    private String startNode(NodeUser user, ClusterNode node) {
        NodeUser.Result r = user.run(List.of(node.esHome().resolve("bin/elasticsearch").toString(), "-d", "-p", node.pidFile().toString()),
                nodeEnv(node), node.dir(), node.consoleLog(), startTimeout);
        readPid(node);
        if (node.pid() > 0) {
            RUNNING.add(node);
        }
        if (r.exitCode() == 0 && node.pid() > 0) {
            return null;
        }
        return "\n=== " + node + ": `elasticsearch -d` exited with " + r.exitCode() + (node.pid() > 0 ? "" : ", no pid file")
                + describeLogs(node);
    }

    private static void readPid(ClusterNode node) {
        try {
            if (Files.exists(node.pidFile())) {
                node.pid(Long.parseLong(Files.readString(node.pidFile()).trim()));
            }
        } catch (IOException | NumberFormatException e) {
            // Left at -1: the caller reports the missing pid together with the logs.
        }
    }

    private static String describeLogs(ClusterNode node) {
        // While starting, 9.5.3 copies the server log to the console too; the console also has launcher errors
        // (bad JVM options, no Java), the server log what happened after daemonising.
        return "\n--- " + node.consoleLog() + " (tail) ---\n" + ClusterNode.tail(node.consoleLog(), 30)
                + "\n--- " + node.serverLog() + " (tail) ---\n" + ClusterNode.tail(node.serverLog(), 30) + "\n";
    }

    private void waitForGreenAtStart() {
        try {
            waitForGreenVia(node(0));
        } catch (IllegalStateException e) {
            throw new StartFailure(e.getMessage(), false, null);
        }
    }

    private void waitForGreenVia(ClusterNode via) {
        EsHttp http = via.http().withTimeout(startTimeout.plusSeconds(10));
        String path = "_cluster/health?wait_for_status=green&wait_for_nodes=" + nodeCount + "&timeout=" + startTimeout.toSeconds() + "s";
        long deadline = System.nanoTime() + startTimeout.toNanos();
        String last;
        while (true) {
            try {
                EsResponse r = http.get(path);
                if (r.status() == 200 && r.json().path("timed_out").asBoolean(true) == false) {
                    return;
                }
                last = "HTTP " + r.status() + " " + r.body();
                if (r.status() == 401 || r.status() == 403 || r.status() == 408 || r.status() == 200) {
                    break; // Retrying would not change the answer.
                }
            } catch (UncheckedIOException e) {
                last = String.valueOf(e.getCause());
            }
            if (System.nanoTime() > deadline) {
                break;
            }
            sleep(500);
        }
        StringBuilder logs = new StringBuilder();
        nodes.forEach(n -> logs.append("\n=== ").append(n).append(describeLogs(n)));
        throw new IllegalStateException("Cluster " + name + " did not become green with " + nodeCount + " node(s): " + last + logs);
    }

    /** SIGTERM to every known pid, wait up to 60 s each, SIGKILL what is left. */
    private void stopNodes() {
        List<ClusterNode> toStop = new ArrayList<>();
        for (ClusterNode node : nodes) {
            if (node.pid() <= 0) {
                readPid(node); // e.g. the start timed out before the pid file was read
            }
            if (node.pid() > 0) {
                toStop.add(node);
            }
        }
        terminate(toStop, Duration.ofSeconds(60));
        toStop.forEach(RUNNING::remove);
    }

    private static void terminate(List<ClusterNode> nodes, Duration grace) {
        List<ProcessHandle> handles = new ArrayList<>();
        for (ClusterNode node : nodes) {
            Optional<ProcessHandle> handle = ProcessHandle.of(node.pid());
            if (handle.isPresent() && isProcessOf(node, handle.get().pid())) {
                handle.get().destroy();
                handles.add(handle.get());
            }
            node.pid(-1);
        }
        for (ProcessHandle handle : handles) {
            try {
                handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                System.err.println("[es-harness] pid " + handle.pid() + " ignored SIGTERM for " + grace + ", killing it");
                handle.destroyForcibly();
                handle.onExit().completeOnTimeout(null, 15, TimeUnit.SECONDS).join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                handle.destroyForcibly();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    /**
     * Guards against pid reuse: on Linux the process must still be this node's server JVM. Its command line holds
     * {@code -Djava.io.tmpdir=<node tmp dir>} (from {@code ES_TMPDIR}; 9.5.3 passes the config path some other
     * way), and its environment {@code ES_PATH_CONF=<node config dir>}. Where {@code /proc} cannot be read the pid
     * file is trusted.
     */
    private static boolean isProcessOf(ClusterNode node, long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            String args = readNulSeparated(proc.resolve("cmdline"));
            String env = readNulSeparated(proc.resolve("environ"));
            if (args == null && env == null) {
                return true;
            }
            if ((args != null && args.contains("\0-Djava.io.tmpdir=" + node.tmpDir() + "\0"))
                    || (env != null && env.contains("\0ES_PATH_CONF=" + node.configDir() + "\0"))) {
                return true;
            }
            System.err.println("[es-harness] pid " + pid + " is no longer " + node.name() + "; not killing it");
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** A /proc file with a leading and trailing NUL, so that whole entries can be matched; null if unreadable. */
    private static String readNulSeparated(Path file) throws IOException {
        if (Files.isReadable(file) == false) {
            return null;
        }
        return "\0" + new String(Files.readAllBytes(file), StandardCharsets.UTF_8) + "\0";
    }

    private static void stopLeftovers() {
        if (RUNNING.isEmpty() == false) {
            System.err.println("[es-harness] JVM exiting with nodes still running, stopping " + RUNNING);
            terminate(List.copyOf(RUNNING), Duration.ofSeconds(20));
            RUNNING.clear();
        }
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A node that failed to start; {@code portConflict} allows one retry with other ports. */
    private static final class StartFailure extends RuntimeException {
        private final boolean portConflict;

        StartFailure(String message, boolean portConflict, Throwable cause) {
            super(message, cause);
            this.portConflict = portConflict;
        }
    }

    /**
     * A file-realm user.
     *
     * @param name     user name
     * @param password password (at least 6 characters, the CLI's rule)
     * @param roles    role names: built-in ({@code superuser}, ...) or defined with {@link Builder#rolesYml}
     */
    public record User(String name, String password, List<String> roles) {
        public User {
            Objects.requireNonNull(name, "name");
            if (password == null || password.length() < 6) {
                throw new IllegalArgumentException("Password of [" + name + "] must have at least 6 characters");
            }
            roles = List.copyOf(roles);
        }
    }

    /** Options of an {@link ElasticsearchCluster}; all have defaults suited to a one-node smoke test. */
    public static final class Builder {
        private final String name;
        private int nodeCount = 1;
        private boolean security;
        private String heap = "512m";
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final List<User> users = new ArrayList<>();
        private String rolesYml;
        private List<Path> plugins;
        private Duration startTimeout = Duration.ofSeconds(180);
        private EsLine line;
        private ElasticsearchCluster dataOf;

        private Builder(String name) {
            if (name == null || name.matches("[a-z0-9][a-z0-9_-]*") == false) {
                throw new IllegalArgumentException("Cluster name must be lower-case letters, digits, '-' or '_': " + name);
            }
            this.name = name;
        }

        /** Number of nodes (default 1: {@code discovery.type: single-node}; more: all master-eligible, seed hosts). */
        public Builder nodes(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("A cluster needs at least one node");
            }
            this.nodeCount = count;
            return this;
        }

        /** Security on (file realm, no TLS: loopback only) or off (default). */
        public Builder security(boolean enabled) {
            this.security = enabled;
            return this;
        }

        /** Heap per node, e.g. {@code 512m} (default) or {@code 1g}; written to {@code jvm.options.d/heap.options}. */
        public Builder heap(String size) {
            this.heap = Objects.requireNonNull(size);
            return this;
        }

        /** An extra {@code elasticsearch.yml} setting (overrides the harness's own); remember unknown settings are fatal. */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** A file-realm user (needs {@link #security(boolean) security(true)}). */
        public Builder user(String name, String password, String... roles) {
            users.add(new User(name, password, Arrays.asList(roles)));
            return this;
        }

        /** The content of every node's {@code config/roles.yml} (replaces the distribution's, which defines no role). */
        public Builder rolesYml(String yaml) {
            this.rolesYml = yaml;
            return this;
        }

        /** Plugin zips to install instead of the default (the project's plugin); none for a bare distribution. */
        public Builder plugins(Path... zips) {
            this.plugins = List.of(zips);
            return this;
        }

        /** The Elasticsearch line to run (default: the line under test, {@link ItEnvironment#line()}). */
        public Builder line(EsLine line) {
            this.line = Objects.requireNonNull(line);
            return this;
        }

        /**
         * Start from a copy of each node's data directory of {@code stopped} (same node count): a full-cluster-restart
         * upgrade when the lines differ. The stopped cluster's own directories stay as they were.
         */
        public Builder dataOf(ElasticsearchCluster stopped) {
            this.dataOf = Objects.requireNonNull(stopped);
            return this;
        }

        /** How long each node may take to start, and the cluster to turn green (default 180 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        public ElasticsearchCluster build() {
            if (security == false && (users.isEmpty() == false || rolesYml != null)) {
                throw new IllegalStateException("Users and roles need security(true)");
            }
            if (dataOf != null && dataOf.nodeCount != nodeCount) {
                throw new IllegalStateException("dataOf needs a cluster of as many nodes: " + dataOf.nodeCount + " != " + nodeCount);
            }
            return new ElasticsearchCluster(this);
        }
    }
}
