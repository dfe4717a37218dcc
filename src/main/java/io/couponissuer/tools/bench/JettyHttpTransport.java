package io.couponissuer.tools.bench;

import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Jetty's asynchronous client (the Jetty Javalin already runs). Its connection pool per host is set
 * to the bench's concurrency, so every client in flight has its own keep-alive connection and none
 * waits in Jetty's queue; a bounded thread pool keeps it from competing for the 2 cores with threads.
 */
final class JettyHttpTransport implements HttpTransport {
    private final HttpClient client = new HttpClient();
    private final long timeoutMs;

    JettyHttpTransport(int concurrency, long timeoutMs) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(16, 4);
        threads.setName("bench-http");
        client.setExecutor(threads);
        client.setMaxConnectionsPerDestination(concurrency);
        client.setMaxRequestsQueuedPerDestination(Math.max(1024, concurrency * 2));
        client.setConnectTimeout(10_000);
        client.start();
        this.timeoutMs = timeoutMs;
    }

    @Override
    public CompletableFuture<Response> post(URI uri, String jsonBody, String bearerToken) {
        CompletableFuture<Response> response = new CompletableFuture<>();
        Request request = client.newRequest(uri).method(HttpMethod.POST).timeout(timeoutMs, TimeUnit.MILLISECONDS)
                .body(new StringRequestContent("application/json", jsonBody));
        if (bearerToken != null) {
            request.headers(headers -> headers.put(HttpHeader.AUTHORIZATION, "Bearer " + bearerToken));
        }
        request.send(new BufferingResponseListener() {
            @Override
            public void onComplete(Result result) {
                if (result.isFailed()) {
                    response.completeExceptionally(result.getFailure());
                } else {
                    response.complete(new Response(result.getResponse().getStatus(), getContentAsString()));
                }
            }
        });
        return response;
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }
}
