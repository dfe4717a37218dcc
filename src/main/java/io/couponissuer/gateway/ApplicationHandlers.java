package io.couponissuer.gateway;

import io.couponissuer.issuer.IssuerQueries;
import io.couponissuer.message.ApplyRequest;
import io.javalin.http.Context;

import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** POST /api/events/{eventId}/applications and GET /api/events/{eventId}/applications/{userId}. */
final class ApplicationHandlers {
    static final int MAX_WAIT_MS = 10_000;

    private final CommandPublisher publisher;
    private final DecisionWaiter waiter;
    private final IssuerQueries queries;
    private final BrokerFailures brokerFailures;
    private final Clock clock;
    private final ApplicationTimers timers;
    private final EarlyAnswers early;

    ApplicationHandlers(CommandPublisher publisher, DecisionWaiter waiter, IssuerQueries queries,
                        BrokerFailures brokerFailures, Clock clock, ApplicationTimers timers, EarlyAnswers early) {
        this.timers = timers;
        this.early = early;
        this.publisher = publisher;
        this.waiter = waiter;
        this.queries = queries;
        this.brokerFailures = brokerFailures;
        this.clock = clock;
    }

    /**
     * 202 PENDING once the broker has the application; with {@code ?waitMs=N} the answer waits up to
     * N ms for the decision (200 ISSUED or REJECTED), else still 202 PENDING.
     */
    void apply(Context ctx) {
        String eventId = RequestBodies.id(ctx, "eventId");
        int waitMs = waitMs(ctx);
        RequestBodies.ApplicationBody body = RequestBodies.read(ctx, RequestBodies.ApplicationBody.class);
        String requestId = UUID.randomUUID().toString();
        ApplyRequest request = new ApplyRequest(requestId, eventId, body.userId(), clock.instant());
        DecisionView pending = DecisionView.pending(requestId, eventId, body.userId());
        CompletableFuture<DecisionView> decision = waitMs > 0 ? firstAnswer(requestId) : null;
        long startNanos = System.nanoTime();

        ctx.future(() -> publisher.publish(request, decision != null && early != null)
                .handle((metadata, error) -> error)
                .thenCompose(error -> {
                    long ackedNanos = System.nanoTime();
                    timers.published(startNanos, ackedNanos, error == null);
                    if (error != null) {
                        forget(requestId);
                        brokerFailures.answer(ctx, error);
                        return CompletableFuture.completedFuture(null);
                    }
                    if (decision == null) {
                        ctx.status(202).json(pending);
                        return CompletableFuture.completedFuture(null);
                    }
                    return decision.completeOnTimeout(pending, waitMs, TimeUnit.MILLISECONDS).thenAccept(answer -> {
                        timers.waited(ackedNanos, System.nanoTime(), answer != pending);
                        forget(requestId);
                        ctx.status(answer == pending ? 202 : 200).json(answer);
                    });
                }));
    }

    /** Registered before the application is sent, so that no answer can slip past. */
    private CompletableFuture<DecisionView> firstAnswer(String requestId) {
        CompletableFuture<DecisionView> committed = waiter.expect(requestId);
        if (early == null) {
            return committed;
        }
        CompletableFuture<DecisionView> first = new CompletableFuture<>();
        committed.thenAccept(first::complete);
        early.await(requestId).thenAccept(first::complete);
        return first;
    }

    private void forget(String requestId) {
        waiter.forget(requestId);
        if (early != null) {
            early.forget(requestId);
        }
    }

    void status(Context ctx) {
        String eventId = RequestBodies.id(ctx, "eventId");
        String userId = RequestBodies.id(ctx, "userId");
        queries.decision(eventId, userId).ifPresentOrElse(decision -> ctx.json(DecisionView.of(decision)),
                () -> ctx.status(404).json(Map.of("eventId", eventId, "userId", userId, "status", "UNKNOWN")));
    }

    private static int waitMs(Context ctx) {
        String raw = ctx.queryParam("waitMs");
        if (raw == null || raw.isEmpty()) {
            return 0;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= 0 && value <= MAX_WAIT_MS) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("waitMs", "waitMs: must be a whole number from 0 to " + MAX_WAIT_MS);
    }
}
