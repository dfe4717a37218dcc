package io.couponissuer.query;

import io.couponissuer.json.Json;
import io.couponissuer.message.Decision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A gateway of its own holds one stream of answers from each issuer instance
 * ({@code GET /internal/answers/{gatewayId}}, server-sent events; {@link AnswerFeed}): every decision
 * the instance makes on an application this gateway marked as awaited comes on it, as it is made. A
 * waiting client registers its requestId before its application is sent ({@link #await}); that costs
 * no request to an issuer. A stream that breaks is opened again after a pause; what was decided
 * meanwhile reaches the client from the ledger instead ({@code DecisionWaiter}).
 */
public final class AnswerStreams implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AnswerStreams.class);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(500);

    private final HttpClient http;
    private final InstanceSecret secret;
    private final String gatewayId;
    private final List<Reader> readers = new ArrayList<>();
    private final Map<String, CompletableFuture<Optional<Decision>>> waiting = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    /** @param issuers the issuer instances' base URLs (COUPON_ISSUER_URL): one stream each */
    public AnswerStreams(HttpClient http, List<URI> issuers, InstanceSecret secret, String gatewayId) {
        this.http = http;
        this.secret = secret;
        this.gatewayId = gatewayId;
        for (URI issuer : issuers) {
            readers.add(new Reader(issuer.resolve("internal/answers/" + gatewayId)));
        }
    }

    public AnswerStreams start() {
        readers.forEach(reader -> reader.thread.start());
        return this;
    }

    /**
     * The decision on {@code requestId} when an issuer streams it; empty after {@code waitMs}.
     * Cancelling it forgets the request.
     */
    public CompletableFuture<Optional<Decision>> await(String requestId, int waitMs) {
        CompletableFuture<Optional<Decision>> decision = waiting.computeIfAbsent(requestId, id -> {
            CompletableFuture<Optional<Decision>> registered = new CompletableFuture<>();
            registered.whenComplete((found, error) -> waiting.remove(id, registered));
            return registered;
        });
        return decision.completeOnTimeout(Optional.empty(), waitMs, TimeUnit.MILLISECONDS);
    }

    /** Streams open now, out of {@link #issuers()}. */
    public long open() {
        return readers.stream().filter(reader -> reader.open).count();
    }

    public int issuers() {
        return readers.size();
    }

    private void arrived(String data) {
        try {
            Decision decision = Json.MAPPER.readValue(data, DecisionBody.class).decision();
            CompletableFuture<Optional<Decision>> waiter = waiting.remove(decision.requestId());
            if (waiter != null) {
                waiter.complete(Optional.of(decision));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("An unreadable answer on an issuer's stream was skipped: {}", e.toString());
        }
    }

    /** One issuer instance's stream, read line by line by a thread of its own. */
    private final class Reader {
        private final URI uri;
        private final Thread thread;
        private final AtomicReference<InputStream> body = new AtomicReference<>();
        private volatile boolean open;

        Reader(URI uri) {
            this.uri = uri;
            this.thread = new Thread(this::run, "answer-stream-" + uri.getAuthority());
            thread.setDaemon(true);
        }

        private void run() {
            while (running) {
                try {
                    read();
                } catch (IOException | RuntimeException e) {
                    if (running && open) {
                        LOG.info("The answer stream from {} broke ({}); opening it again", uri.getAuthority(), e.toString());
                    }
                } catch (InterruptedException e) {
                    return;
                }
                open = false;
                try {
                    Thread.sleep(RETRY_PAUSE.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void read() throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(uri).header(InstanceSecret.HEADER, secret.value())
                    .header("Accept", "text/event-stream").GET().build();
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            body.set(response.body());
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                if (response.statusCode() != 200) {
                    throw new IOException("HTTP " + response.statusCode());
                }
                open = true;
                String line;
                while (running && (line = lines.readLine()) != null) {
                    if (line.startsWith("data:")) {
                        arrived(line.substring(line.charAt(5) == ' ' ? 6 : 5));
                    }
                }
            }
        }

        void close() {
            InputStream stream = body.get();
            if (stream != null) {
                try {
                    stream.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
            thread.interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        readers.forEach(Reader::close);
        waiting.values().forEach(waiter -> waiter.complete(Optional.empty()));
    }
}
