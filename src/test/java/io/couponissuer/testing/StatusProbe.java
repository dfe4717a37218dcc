package io.couponissuer.testing;

import io.couponissuer.json.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Asks the status endpoint ({@code GET /api/events/{eventId}/applications/{userId}}) about users of a
 * burst who were just answered, over and over while the burst runs (and the system is killed under
 * it), and keeps every standing decision it was shown: the status endpoint reads the issuer's
 * uncommitted state, so each one must agree with the final ledger (invariant 8).
 */
public final class StatusProbe implements AutoCloseable {
    /** A standing decision the status endpoint showed (reason null for ISSUED, couponId null for REJECTED). */
    public record Shown(String eventId, String userId, String status, String couponId, String reason) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final ConcurrentLinkedQueue<Shown> shown = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    public StatusProbe(String gatewayUrl, Burst burst) {
        this.thread = new Thread(() -> {
            while (running) {
                List<Burst.Accepted> accepted = new ArrayList<>(burst.accepted().values());
                if (!accepted.isEmpty()) {
                    Burst.Accepted a = accepted.get(ThreadLocalRandom.current().nextInt(accepted.size()));
                    ask(gatewayUrl, a.eventId(), a.userId());
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "status-probe");
        thread.setDaemon(true);
        thread.start();
    }

    private void ask(String gatewayUrl, String eventId, String userId) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create(gatewayUrl + "/api/events/" + eventId + "/applications/" + userId))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                JsonNode body = Json.MAPPER.readTree(response.body());
                shown.add(new Shown(eventId, userId, body.path("status").asText(), body.path("couponId").asText(null),
                        body.path("reason").asText(null)));
            }
        } catch (Exception e) {
            // the system is down (killed) or busy: nothing was shown
        }
    }

    public List<Shown> shown() {
        return List.copyOf(shown);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(3000);
    }
}
