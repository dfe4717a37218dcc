package io.couponissuer.query;

import io.couponissuer.message.Answer;
import io.couponissuer.message.Decision;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
    public static FailoverIssuerQueries overHttp(String commaSeparatedUrls) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        return new FailoverIssuerQueries(Arrays.stream(commaSeparatedUrls.split(","))
                .map(String::trim).filter(url -> !url.isEmpty())
                .map(url -> (IssuerQueries) new RemoteIssuerQueries(http, URI.create(url.endsWith("/") ? url : url + "/"), false))
                .toList());
    }

    @Override
    public Optional<Decision> decision(String eventId, String userId) {
        return firstAnswer(instance -> instance.decision(eventId, userId));
    }

    @Override
    public Optional<EventStatus> event(String eventId) {
        return firstAnswer(instance -> instance.event(eventId));
    }

    @Override
    public List<EventStatus> events() {
        return firstAnswer(IssuerQueries::events);
    }

    /** Asks the first instance; if it cannot be reached, the next, within the same wait. */
    @Override
    public CompletableFuture<Optional<Answer>> answer(String eventId, String userId, String requestId, int waitMs) {
        return answerFrom(0, eventId, userId, requestId, waitMs, System.nanoTime() + waitMs * 1_000_000L);
    }

    private CompletableFuture<Optional<Answer>> answerFrom(int index, String eventId, String userId, String requestId,
                                                           int waitMs, long deadlineNanos) {
        if (index >= instances.size()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return instances.get(index).answer(eventId, userId, requestId, waitMs).exceptionallyCompose(error -> {
            int left = (int) ((deadlineNanos - System.nanoTime()) / 1_000_000L);
            return left <= 0 ? CompletableFuture.completedFuture(Optional.empty())
                    : answerFrom(index + 1, eventId, userId, requestId, left, deadlineNanos);
        });
    }

    private <T> T firstAnswer(Function<IssuerQueries, T> question) {
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
