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
        boolean decided() {
            return !status.startsWith("HTTP ");
        }
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
            Shown answer = asked(http, gatewayUrl, eventId, userId, Duration.ofSeconds(2));
            if (answer.decided()) {
                shown.add(answer);
            }
        } catch (Exception e) {
            // the system is down (killed) or busy: nothing was shown
        }
    }

    /** One status request: the standing decision, or status {@code HTTP <code>} when there was none to show. */
    private static Shown asked(HttpClient http, String gatewayUrl, String eventId, String userId, Duration timeout)
            throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create(gatewayUrl + "/api/events/" + eventId + "/applications/" + userId))
                .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return new Shown(eventId, userId, "HTTP " + response.statusCode(), null, null);
        }
        JsonNode body = Json.MAPPER.readTree(response.body());
        return new Shown(eventId, userId, body.path("status").asText(), body.path("couponId").asText(null),
                body.path("reason").asText(null));
    }

    public List<Shown> shown() {
        return List.copyOf(shown);
    }

    /**
     * At the end of a run, the status endpoint's answer for every user who applied, once each: a 200's
     * standing decision, or status {@code HTTP <code>} when it had none to show (a 404 for a user the
     * ledger gave a coupon is a disagreement like any other). A 503 or no answer is asked again, up to
     * ten times over a few seconds, before it is kept as it is. Bounded by a time that grows with the users.
     */
    public static List<Shown> everyUser(String gatewayUrl, java.util.Collection<Burst.Accepted> applied) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        List<Burst.Accepted> users = applied.stream()
                .collect(java.util.stream.Collectors.toMap(a -> a.eventId() + "/" + a.userId(), a -> a, (a, b) -> a))
                .values().stream().toList();
        ConcurrentLinkedQueue<Shown> shown = new ConcurrentLinkedQueue<>();
        java.util.concurrent.ExecutorService askers = java.util.concurrent.Executors.newFixedThreadPool(16);
        // A bound against a hang, not a speed target: about 600 users a second were asked on this machine
        // class, so 5 minutes, or a second per 100 users for a long soak's (30 minutes: about 180,000).
        Duration limit = Duration.ofSeconds(Math.max(300, users.size() / 100));
        try {
            for (Burst.Accepted user : users) {
                askers.execute(() -> shown.add(askUntilAnswered(http, gatewayUrl, user.eventId(), user.userId())));
            }
        } finally {
            askers.shutdown();
            if (!askers.awaitTermination(limit.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
                askers.shutdownNow();
                throw new IllegalStateException("asking the status of " + users.size() + " users took over " + limit);
            }
        }
        return List.copyOf(shown);
    }

    private static Shown askUntilAnswered(HttpClient http, String gatewayUrl, String eventId, String userId) {
        String last = "no answer";
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                Shown answer = asked(http, gatewayUrl, eventId, userId, Duration.ofSeconds(5));
                if (answer.decided() || !answer.status().equals("HTTP 503")) {
                    return answer;
                }
                last = answer.status();
            } catch (Exception e) {
                last = e.toString();
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Shown(eventId, userId, last, null, null);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(3000);
    }
}
