package io.couponissuer.query;

import io.couponissuer.message.Decision;
import io.couponissuer.message.StandingDecision;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** Asks issuer instances in order until one answers: a gateway keeps answering while one issuer is down. */
public final class FailoverIssuerQueries implements IssuerQueries {
    private final List<IssuerQueries> instances;

    public FailoverIssuerQueries(List<IssuerQueries> instances) {
        if (instances.isEmpty()) {
            throw new IllegalArgumentException("at least one issuer instance is needed");
        }
        this.instances = List.copyOf(instances);
    }

    /** Issuer instances at these comma-separated base URLs (COUPON_ISSUER_URL), asked in order. */
    public static FailoverIssuerQueries overHttp(HttpClient http, String commaSeparatedUrls, InstanceSecret secret) {
        return new FailoverIssuerQueries(urls(commaSeparatedUrls).stream()
                .map(url -> (IssuerQueries) new RemoteIssuerQueries(http, url, false, secret))
                .toList());
    }

    /** The base URLs of COUPON_ISSUER_URL (comma-separated), each ending in a slash. */
    public static List<URI> urls(String commaSeparatedUrls) {
        return Arrays.stream(commaSeparatedUrls.split(",")).map(String::trim).filter(url -> !url.isEmpty())
                .map(url -> URI.create(url.endsWith("/") ? url : url + "/")).toList();
    }

    @Override
    public Optional<StandingDecision> standingDecision(String eventId, String userId) {
        return fromFirstAvailable(instance -> instance.standingDecision(eventId, userId));
    }

    @Override
    public Optional<EventStatus> event(String eventId) {
        return fromFirstAvailable(instance -> instance.event(eventId));
    }

    @Override
    public List<EventStatus> events() {
        return fromFirstAvailable(IssuerQueries::events);
    }

    /**
     * Asks the first instance; if it cannot be reached, the next, within the same wait. Cancelling the
     * returned future cancels the instance's wait in flight and asks no further instance.
     */
    @Override
    public CompletableFuture<Optional<Decision>> awaitDecision(String eventId, String userId, String requestId, int waitMs) {
        CompletableFuture<Optional<Decision>> result = new CompletableFuture<>();
        AtomicReference<CompletableFuture<Optional<Decision>>> inFlight = new AtomicReference<>();
        result.whenComplete((decision, error) -> {
            CompletableFuture<Optional<Decision>> asking = inFlight.get();
            if (result.isCancelled() && asking != null) {
                asking.cancel(true);
            }
        });
        awaitFrom(0, eventId, userId, requestId, waitMs, System.nanoTime() + waitMs * 1_000_000L, result, inFlight);
        return result;
    }

    private void awaitFrom(int index, String eventId, String userId, String requestId, int waitMs, long deadlineNanos,
                            CompletableFuture<Optional<Decision>> result,
                            AtomicReference<CompletableFuture<Optional<Decision>>> inFlight) {
        if (index >= instances.size() || result.isDone()) {
            result.complete(Optional.empty());
            return;
        }
        CompletableFuture<Optional<Decision>> asking = instances.get(index).awaitDecision(eventId, userId, requestId, waitMs);
        inFlight.set(asking);
        if (result.isCancelled()) {
            asking.cancel(true); // cancelled while this instance was being asked
            return;
        }
        asking.whenComplete((decision, error) -> {
            if (error == null) {
                result.complete(decision);
                return;
            }
            int left = (int) ((deadlineNanos - System.nanoTime()) / 1_000_000L);
            if (left <= 0) {
                result.complete(Optional.empty());
            } else {
                awaitFrom(index + 1, eventId, userId, requestId, left, deadlineNanos, result, inFlight);
            }
        });
    }

    private <T> T fromFirstAvailable(Function<IssuerQueries, T> question) {
        UnavailableException last = null;
        for (IssuerQueries instance : instances) {
            try {
                return question.apply(instance);
            } catch (UnavailableException e) {
                last = e;
            }
        }
        throw last;
    }
}
