package io.couponissuer.dev.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A port on 127.0.0.1 that nothing listens on now, handed out by the OS. It stays free in practice
 * until the caller binds it moments later (an outgoing connection could take it meanwhile, which is
 * why `cluster` hands out fixed ports below Linux's ephemeral range instead).
 */
public final class FreePort {
    private FreePort() {
    }

    public static int next() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        }
    }
}
