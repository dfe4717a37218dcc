package io.couponissuer.tools.local.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A port on 127.0.0.1 that nothing listens on, for a server that binds it later (tests, `cluster`
 * with base port 0). Taken below Linux's ephemeral range: a port the OS hands out for port 0 is
 * ephemeral, and an outgoing connection can take it before the server binds it minutes later (a fault
 * test lost an issuer's port that way); below the range only a deliberate bind can.
 */
public final class FreePort {
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LOWEST = 10_000;
    /** Handed out by this JVM, so that two callers never get the same one. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePort() {
    }

    public static int next() {
        int below = ephemeralLow();
        if (below - LOWEST >= 1_000) {
            for (int attempt = 0; attempt < 500; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
                if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) {
                    return port;
                }
            }
        }
        // No room below the range: the OS's choice, never one this JVM handed out already (the OS may
        // give a port again as soon as the probe socket is closed).
        for (int attempt = 0; attempt < 500; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
            }
        }
        throw new IllegalStateException("no free port on 127.0.0.1 that this JVM has not handed out already");
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The first port of the ephemeral range (32768 when it cannot be read, Linux's default). Read as a
     * stream: {@code Files.readString} trusts the size procfs reports and returned "3" of "32768 60999"
     * on this machine, so every port came from the OS's ephemeral range after all, and two services of
     * ProductionShapeIT were once given the same one.
     */
    static int ephemeralLow() {
        try (BufferedReader reader = Files.newBufferedReader(EPHEMERAL_RANGE)) {
            String line = reader.readLine();
            return Integer.parseInt(line.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
