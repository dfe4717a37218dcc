package io.couponissuer.query;

import io.couponissuer.json.Json;
import io.couponissuer.message.Decision;
import io.couponissuer.message.StandingDecision;
import com.fasterxml.jackson.databind.JavaType;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Asks an issuer instance over HTTP ({@link IssuerStoreRoutes}). A gateway running apart from the
 * issuers uses it with COUPON_ISSUER_URL; an issuer uses it to forward to the instance owning an
 * event, with {@code local=true} so the question is not forwarded again.
 */
public final class RemoteIssuerQueries implements IssuerQueries {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http;
    private final URI base;
    private final boolean localOnly;
    private final InstanceSecret secret;

    public RemoteIssuerQueries(HttpClient http, URI base, boolean localOnly, InstanceSecret secret) {
        this.http = http;
        this.base = base;
        this.localOnly = localOnly;
        this.secret = secret;
    }

    @Override
    public Optional<StandingDecision> standingDecision(String eventId, String userId) {
        return get("/internal/events/" + encode(eventId) + "/decisions/" + encode(userId), StandingDecision.class);
    }

    @Override
    public Optional<EventStatus> event(String eventId) {
        return get("/internal/events/" + encode(eventId), EventStatus.class);
    }

    @Override
    public List<EventStatus> events() {
        JavaType listOfEvents = Json.MAPPER.getTypeFactory().constructCollectionType(List.class, EventStatus.class);
        return this.<List<EventStatus>>get("/internal/events", listOfEvents)
                .orElseThrow(() -> new UnavailableException("issuer at " + base + " does not list events", null));
    }

    /**
     * A long poll: the owning instance holds the request until the application is decided or the wait
     * runs out (204). Fails (so the caller can ask another instance) when this one cannot be reached
     * or cannot answer now. Cancelling the returned future aborts the request, so a wait that is no
     * longer needed (the ledger answered first) holds no connection.
     */
    @Override
    public CompletableFuture<Optional<Decision>> awaitDecision(String eventId, String userId, String requestId, int waitMs) {
        URI uri = base.resolve("/internal/events/" + encode(eventId) + "/answers/" + encode(requestId) + "?waitMs=" + waitMs
                + (userId != null ? "&userId=" + encode(userId) : "") + (localOnly ? "&local=true" : ""));
        HttpRequest request = request(uri).timeout(Duration.ofMillis(waitMs + TIMEOUT.toMillis())).GET().build();
        CompletableFuture<HttpResponse<byte[]>> sent = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        CompletableFuture<Optional<Decision>> decision = sent.handle((response, error) -> {
            if (error != null) {
                // A dead or unreachable owner (kill -9): unavailable, so the caller asks another instance or the ledger.
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                throw new UnavailableException("issuer at " + base + " cannot be reached: " + cause, cause);
            }
            if (response.statusCode() == 204) {
                return Optional.<Decision>empty();
            }
            if (response.statusCode() != 200) {
                throw new UnavailableException("issuer at " + base + " answered " + response.statusCode(), null);
            }
            try {
                return Optional.of(Json.MAPPER.readValue(response.body(), DecisionBody.class).decision());
            } catch (IOException e) {
                throw new UnavailableException("issuer at " + base + " sent an unreadable decision: " + e.getMessage(), e);
            }
        });
        // A dependent stage does not pass its cancellation back; the HttpClient's own future aborts the exchange.
        decision.whenComplete((result, error) -> {
            if (decision.isCancelled()) {
                sent.cancel(true);
            }
        });
        return decision;
    }

    private HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).header(InstanceSecret.HEADER, secret.value());
    }

    private <T> Optional<T> get(String path, Class<T> type) {
        return get(path, Json.MAPPER.constructType(type));
    }

    private <T> Optional<T> get(String path, JavaType javaType) {
        URI uri = base.resolve(path + (localOnly ? "?local=true" : ""));
        HttpRequest request = request(uri).timeout(TIMEOUT).GET().build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            if (response.statusCode() != 200) {
                throw new UnavailableException("issuer at " + base + " answered " + response.statusCode(), null);
            }
            return Optional.of(Json.MAPPER.readValue(response.body(), javaType));
        } catch (IOException e) {
            throw new UnavailableException("issuer at " + base + " is unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted asking " + base, e);
        }
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }
}
