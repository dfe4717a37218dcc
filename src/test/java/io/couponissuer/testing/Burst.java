package io.couponissuer.testing;

import io.couponissuer.json.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Applications over HTTP from many concurrent clients, paced at a fixed rate, until {@link #stop()}:
 * a fault can be injected while it runs and the burst spans it. Application {@code i} is for event
 * {@code i mod events}; every {@code duplicateEvery}-th application repeats an earlier applicant of
 * the same event, so invariant 2 is exercised too.
 *
 * <p>Records every answer: each 202, and each 200 with the decision (a {@code ?waitMs} answer, or one
 * the gateway decided at the edge), with its requestId and when it came; each 503 (the gateway's "the
 * broker did not take it"), and anything else (which no test expects).
 */
public final class Burst implements AutoCloseable {
    /**
     * A 202 (the broker has this application) or a 200 (its decision).
     *
     * @param status    202 or 200
     * @param sentNanos when the application was sent; {@code atNanos} when its answer arrived
     */
    public record Accepted(String requestId, String eventId, String userId, int status, long atNanos, long sentNanos) {
        /** A 202: the application went to the issuer and its decision was not told. */
        public boolean pending() {
            return status == 202;
        }
    }

    /** A 200: the decision the client was told (reason null for ISSUED). */
    public record Answered(String requestId, String userId, String status, String couponId, String reason) {
    }

    /**
     * One request and what came back, as the client saw it: the HTTP status and body, or status 0 and
     * the error when no answer came. The whole history of a run is kept, for the record.
     */
    public record Exchange(Instant sentAt, Instant answeredAt, String eventId, String userId, int status, String body) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String gatewayUrl;
    private final List<String> events;
    private final double perSecond;
    private final int duplicateEvery;
    private final String userPrefix;
    private final AtomicInteger next = new AtomicInteger();
    private final Map<String, Accepted> accepted = new ConcurrentHashMap<>();
    private final Map<String, Answered> answered = new ConcurrentHashMap<>();
    private int waitMs;
    private final ConcurrentLinkedQueue<Long> unavailableAtNanos = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Exchange> history = new ConcurrentLinkedQueue<>();
    private final List<Thread> clients = new ArrayList<>();
    private final CountDownLatch done;
    private volatile boolean stopping;
    private long startNanos;

    private Burst(String gatewayUrl, List<String> events, int clients, double perSecond, int duplicateEvery,
                  String userPrefix) {
        this.gatewayUrl = gatewayUrl;
        this.events = List.copyOf(events);
        this.perSecond = perSecond;
        this.duplicateEvery = duplicateEvery;
        this.userPrefix = userPrefix;
        this.done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            this.clients.add(new Thread(this::client, "burst-client-" + c));
        }
    }

    /** Starts {@code clients} threads that together send {@code perSecond} applications a second. */
    public static Burst start(String gatewayUrl, List<String> events, int clients, double perSecond,
                              int duplicateEvery, String userPrefix) {
        return start(gatewayUrl, events, clients, perSecond, duplicateEvery, userPrefix, 0);
    }

    /** @param waitMs each application asks to wait this long for its decision ({@code ?waitMs}); 0: plain 202 */
    public static Burst start(String gatewayUrl, List<String> events, int clients, double perSecond,
                              int duplicateEvery, String userPrefix, int waitMs) {
        Burst burst = new Burst(gatewayUrl, events, clients, perSecond, duplicateEvery, userPrefix);
        burst.waitMs = waitMs;
        burst.startNanos = System.nanoTime();
        burst.clients.forEach(Thread::start);
        return burst;
    }

    private void client() {
        try {
            while (!stopping) {
                int i = next.getAndIncrement();
                // Paced by index, not per client: a client stuck on a slow answer does not slow the others.
                long dueNanos = startNanos + (long) (i * 1e9 / perSecond);
                long waitNanos = dueNanos - System.nanoTime();
                if (waitNanos > 0) {
                    Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
                }
                if (stopping) {
                    return;
                }
                apply(events.get(i % events.size()), userOf(i));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            done.countDown();
        }
    }

    /** Application i's user: a new one, or every duplicateEvery-th time an earlier user of the same event. */
    private String userOf(int i) {
        int round = events.size();
        if (duplicateEvery > 0 && i % duplicateEvery == duplicateEvery - 1 && i >= round * 8) {
            // Same event (a multiple of the round back), one to seven rounds back: an applicant seen before.
            return userPrefix + (i - round * (1 + (i / round) % 7));
        }
        return userPrefix + i;
    }

    private void apply(String eventId, String userId) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gatewayUrl + "/api/events/" + eventId + "/applications"
                        + (waitMs > 0 ? "?waitMs=" + waitMs : "")))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(15))
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + userId + "\"}"))
                .build();
        long sentNanos = System.nanoTime();
        Instant sentAt = Instant.now();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            history.add(new Exchange(sentAt, Instant.now(), eventId, userId, response.statusCode(), response.body()));
            if (response.statusCode() == 202 || response.statusCode() == 200) {
                JsonNode body = Json.MAPPER.readTree(response.body());
                String requestId = body.path("requestId").asText();
                accepted.put(requestId, new Accepted(requestId, eventId, userId, response.statusCode(), System.nanoTime(),
                        sentNanos));
                if (response.statusCode() == 200) {
                    answered.put(requestId, new Answered(requestId, body.path("userId").asText(null), body.path("status").asText(),
                            body.path("couponId").asText(null), body.path("reason").asText(null)));
                }
            } else if (response.statusCode() == 503) {
                unavailableAtNanos.add(System.nanoTime());
                if (response.headers().firstValue("Retry-After").isEmpty()) {
                    unexpected.add("503 without Retry-After: " + response.body());
                }
            } else {
                unexpected.add(response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            history.add(new Exchange(sentAt, Instant.now(), eventId, userId, 0, e.toString()));
            unexpected.add(e.toString());
        }
    }

    /** Every request sent so far and its answer, in the order the answers came. */
    public List<Exchange> history() {
        return List.copyOf(history);
    }

    /** Writes {@link #history} to {@code file}, one JSON object a line; returns the file. */
    public Path writeHistory(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (java.io.BufferedWriter out = Files.newBufferedWriter(file)) {
            for (Exchange exchange : history) {
                out.write(Json.MAPPER.writeValueAsString(exchange));
                out.newLine();
            }
        }
        return file;
    }

    /** Stops sending and waits for the answers of requests in flight. */
    public Burst stop() throws InterruptedException {
        stopping = true;
        if (!done.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new AssertionError("burst clients did not finish within 30 s");
        }
        return this;
    }

    public Map<String, Accepted> accepted() {
        return Map.copyOf(accepted);
    }

    /** The decisions clients were told (200 answers to {@code ?waitMs} applications). */
    public Map<String, Answered> answered() {
        return Map.copyOf(answered);
    }

    public int acceptedCount() {
        return accepted.size();
    }

    public List<Long> unavailableAtNanos() {
        return List.copyOf(unavailableAtNanos);
    }

    public List<String> unexpected() {
        return List.copyOf(unexpected);
    }

    /** Applications sent so far. */
    public int sent() {
        return Math.min(next.get(), accepted.size() + unavailableAtNanos.size() + unexpected.size());
    }

    /** Waits until at least {@code count} applications have been accepted. */
    public void awaitAccepted(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (accepted.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + accepted.size() + " of " + count + " applications accepted within "
                        + timeout + "; 503s: " + unavailableAtNanos.size() + ", unexpected: " + unexpected);
            }
            Thread.sleep(20);
        }
    }

    public String summary() {
        return String.format("sent %d applications in %.1f s: %d x 202 or 200, %d x 503, %d other",
                accepted.size() + unavailableAtNanos.size() + unexpected.size(),
                (System.nanoTime() - startNanos) / 1e9, accepted.size(), unavailableAtNanos.size(), unexpected.size());
    }

    @Override
    public void close() throws InterruptedException {
        if (!stopping) {
            stop();
        }
    }
}
