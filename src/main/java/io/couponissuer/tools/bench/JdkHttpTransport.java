package io.couponissuer.tools.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * java.net.http over HTTP/1.1. It opens one connection per request in flight (no per-host limit), so
 * the bench's concurrency is also the number of connections; a small executor runs the completions,
 * because the default one grows a thread per waiting request on a 2-core machine.
 */
final class JdkHttpTransport implements HttpTransport {
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final HttpClient client;
    private final Duration timeout;

    JdkHttpTransport(long timeoutMs) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.timeout = Duration.ofMillis(timeoutMs);
    }

    @Override
    public CompletableFuture<Response> post(URI uri, String jsonBody, String bearerToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody));
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> new Response(response.statusCode(), response.body()));
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
