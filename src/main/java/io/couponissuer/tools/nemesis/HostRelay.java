package io.couponissuer.tools.nemesis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A service of this machine that listens on loopback only (PostgreSQL), made reachable from the
 * namespaces: accepts on {@code address:port} and copies bytes to and from {@code 127.0.0.1:port},
 * as Docker's userland proxy does for a published port.
 */
public final class HostRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HostRelay.class);

    private final ServerSocket server;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private HostRelay(ServerSocket server, int port) {
        this.server = server;
        this.port = port;
    }

    /**
     * A relay of {@code address:port} to this machine's loopback, unless the service already answers
     * there (it listens on every address): then none is needed, and binding one would fail.
     */
    public static Optional<HostRelay> startUnlessReachable(String address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(address), port), 1000);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(start(address, port));
        }
    }

    public static HostRelay start(String address, int port) {
        try {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            HostRelay relay = new HostRelay(server, port);
            Thread acceptor = new Thread(relay::accept, "relay-" + address + ":" + port);
            acceptor.setDaemon(true);
            acceptor.start();
            return relay;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot relay " + address + ":" + port + " to 127.0.0.1:" + port, e);
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket target = new Socket();
                try {
                    target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                } catch (IOException e) {
                    target.close();
                    client.close();
                    LOG.warn("relay: 127.0.0.1:{} refused a connection: {}", port, e.toString());
                    continue;
                }
                open.add(client);
                open.add(target);
                copy(client, target);
                copy(target, client);
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("relay on port {}: {}", port, e.toString());
                }
            }
        }
    }

    /** One direction of a connection; when either side ends, both are closed. */
    private void copy(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // the other side closed: nothing to relay any more
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "relay-copy-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.forEach(this::closeQuietly);
    }
}
