package org.latentbridge.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks loopback ports for nodes at run time, so that parallel builds, left-over nodes or a developer's own
 * Elasticsearch on 9200/9300 do not collide with the tests.
 *
 * <p>Ports come from 20000-32000, below Linux's default ephemeral range (32768+), so an outgoing connection cannot
 * grab one between the check and the node's bind. A port is handed out at most once per JVM. The check (bind,
 * close) cannot rule out another process taking the port before the node binds it; the cluster retries once with
 * new ports when a node fails with "Address already in use".
 */
final class PortAllocator {

    private static final int LOW = 20000;
    private static final int HIGH = 32000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private PortAllocator() {}

    static synchronized List<Integer> allocate(int count) {
        List<Integer> ports = new ArrayList<>(count);
        int candidate = ThreadLocalRandom.current().nextInt(LOW, HIGH);
        for (int tried = 0; ports.size() < count; tried++, candidate = candidate + 1 >= HIGH ? LOW : candidate + 1) {
            if (tried > HIGH - LOW) {
                throw new IllegalStateException("No free loopback port in " + LOW + "-" + HIGH);
            }
            if (HANDED_OUT.contains(candidate) == false && isFree(candidate)) {
                HANDED_OUT.add(candidate);
                ports.add(candidate);
            }
        }
        return ports;
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
