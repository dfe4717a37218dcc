package io.couponissuer.tools.bench;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** Sends one JSON POST without blocking the caller; two implementations are compared under load. */
interface HttpTransport extends AutoCloseable {
    /** The answer of one request: its status and body. */
    record Response(int status, String body) {
    }

    /** @param bearerToken null for none */
    CompletableFuture<Response> post(URI uri, String jsonBody, String bearerToken);

    static HttpTransport create(String name, int concurrency, long timeoutMs) throws Exception {
        return switch (name) {
            case "jdk" -> new JdkHttpTransport(timeoutMs);
            case "jetty" -> new JettyHttpTransport(concurrency, timeoutMs);
            default -> throw new IllegalArgumentException("--http-client must be jdk or jetty, not " + name);
        };
    }
}
