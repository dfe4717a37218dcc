package io.couponissuer.gateway;

import io.couponissuer.kafka.CommittedEvents;
import io.couponissuer.message.Decision;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.Rejection;
import io.couponissuer.query.EventStatus;
import io.couponissuer.query.IssuerQueries;
import io.javalin.http.Context;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** POST /api/events/{eventId}/applications and GET /api/events/{eventId}/applications/{userId}. */
final class ApplicationHandlers {
    static final int MAX_WAIT_MS = 10_000;
    /**
     * How long an application for an event this gateway has not read waits for the read barrier
     * before it goes to the issuer anyway (which decides it in order, EVENT_UNKNOWN or not).
     */
    private static final long BARRIER_TIMEOUT_MS = 2_000;

    private final ApplicationBatches batches;
    private final DecisionWaiter waiter;
    private final IssuerQueries queries;
    private final CommittedEvents definitions;
    private final BrokerFailures brokerFailures;
    private final Clock clock;
    private final ApplicationTimers timers;
    private final CallerIdentity identity;
    private final WaitSlots waitSlots;
    private final EdgeAnswers edge;
    /**
     * The HTTP server's threads. A future completed on a Kafka client's I/O thread (a producer's ack, the
     * decision feed, the committed-events reader) would have that thread write the HTTP answer, so every
     * answer is written from here instead: the producer's network thread went on writing answers
     * instead of sending.
     */
    private final Executor responses;

    ApplicationHandlers(ApplicationBatches batches, DecisionWaiter waiter, IssuerQueries queries,
                        CommittedEvents definitions, BrokerFailures brokerFailures, Clock clock,
                        ApplicationTimers timers, CallerIdentity identity, WaitSlots waitSlots, EdgeAnswers edge,
                        Executor responses) {
        this.edge = edge;
        this.responses = responses;
        this.definitions = definitions;
        this.identity = identity;
        this.waitSlots = waitSlots;
        this.timers = timers;
        this.batches = batches;
        this.waiter = waiter;
        this.queries = queries;
        this.brokerFailures = brokerFailures;
        this.clock = clock;
    }

    /**
     * 200 with the rejection when committed records already prove it ({@link EdgeAnswers}), whether or
     * not {@code ?waitMs} was given; else 202 PENDING once the broker has the application; with
     * {@code ?waitMs=N} the answer waits up to N ms for the decision (200 ISSUED or REJECTED), else still
     * 202 PENDING; also at once when the gateway holds its most waits already ({@link WaitSlots}). 404
     * for an event that provably has no definition: nothing is sent then.
     */
    void apply(Context ctx) {
        Caller caller = identity.caller(ctx); // who it is comes first: a stranger learns nothing else
        String eventId = RequestBodies.id(ctx, "eventId");
        int waitMs = waitMs(ctx);
        String userId = caller.applicant(RequestBodies.read(ctx, RequestBodies.ApplicationBody.class).userId());
        // Judged by its arrival, at the edge and by the issuer alike.
        ApplyRequest request = new ApplyRequest(UUID.randomUUID().toString(), eventId, userId, clock.instant());
        CompletableFuture<Lookup> lookup = lookUp(eventId);
        Lookup known = lookup.getNow(null);
        if (known == null) {
            // Completed by the reader's barrier thread: the rest goes on an HTTP thread, never on that one.
            ctx.future(() -> lookup.thenComposeAsync(found -> found == Lookup.ABSENT ? absent(ctx, eventId)
                    : decidedLater(ctx, request, waitMs, found, edge.answer(request)), responses));
        } else if (known == Lookup.ABSENT) {
            absent(ctx, eventId);
        } else {
            CompletableFuture<Optional<Rejection>> edgeAnswer = edge.answer(request);
            // Nothing to wait for (the usual case while an event is open): on with it here, with no hand-off.
            CompletableFuture<Void> rest = edgeAnswer.isDone()
                    ? edgeAnswer.handle((proven, error) -> decided(ctx, request, waitMs, known, proven, error)).thenCompose(next -> next)
                    : decidedLater(ctx, request, waitMs, known, edgeAnswer);
            ctx.future(() -> rest);
        }
    }

    private CompletableFuture<Void> absent(Context ctx, String eventId) {
        ctx.status(404).json(unknownEvent(eventId));
        return CompletableFuture.completedFuture(null);
    }

    /** {@link #decided} on an HTTP thread once the edge's answer is in. */
    private CompletableFuture<Void> decidedLater(Context ctx, ApplyRequest request, int waitMs, Lookup lookup,
                                                 CompletableFuture<Optional<Rejection>> edgeAnswer) {
        return edgeAnswer.handleAsync((proven, error) -> decided(ctx, request, waitMs, lookup, proven, error), responses)
                .thenCompose(rest -> rest);
    }

    /** The edge's answer given, or the application sent to the issuer when the edge proved nothing. */
    private CompletableFuture<Void> decided(Context ctx, ApplyRequest request, int waitMs, Lookup lookup,
                                            Optional<Rejection> proven, Throwable error) {
        if (error != null) {
            brokerFailures.answer(ctx, error);
        } else if (proven.isPresent()) {
            answered(ctx, 200, Answer.of(proven.get()));
        } else {
            return send(ctx, request, waitMs, lookup == Lookup.SPREAD);
        }
        return CompletableFuture.completedFuture(null);
    }

    /** What the committed definitions say of an event; UNPROVEN when the reader could not say in time. */
    private enum Lookup { PLAIN, SPREAD, ABSENT, UNPROVEN }

    private CompletableFuture<Lookup> lookUp(String eventId) {
        Optional<EventDefinition> known = definitions.get(eventId);
        if (known.isPresent()) {
            return CompletableFuture.completedFuture(known.get().isSpread() ? Lookup.SPREAD : Lookup.PLAIN);
        }
        return definitions.caughtUp(eventId).orTimeout(BARRIER_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .handle((caughtUp, error) -> {
                    Optional<EventDefinition> read = definitions.get(eventId);
                    if (read.isPresent()) {
                        return read.get().isSpread() ? Lookup.SPREAD : Lookup.PLAIN;
                    }
                    return error == null ? Lookup.ABSENT : Lookup.UNPROVEN;
                });
    }

    static ApiException.ApiError unknownEvent(String eventId) {
        return new ApiException.ApiError("unknown_event", "no event '" + eventId + "' is defined", "eventId", null);
    }

    private CompletableFuture<Void> send(Context ctx, ApplyRequest request, int askedWaitMs, boolean spread) {
        int waitMs = askedWaitMs > 0 && waitSlots.tryTake() ? askedWaitMs : 0;
        String requestId = request.requestId();
        String eventId = request.eventId();
        String userId = request.userId();
        Answer pending = Answer.pending(requestId, eventId, userId);
        // A spread event's application goes straight to its user's stage-1 partition.
        String key = spread ? request.eventUserKey() : eventId;
        CompletableFuture<Answer> answer = waitMs > 0
                ? firstAnswer(eventId, spread ? userId : null, requestId, waitMs) : null;
        if (answer != null) {
            answer.whenComplete((told, error) -> waitSlots.release()); // answered, ran out, or cancelled
        }
        long startNanos = System.nanoTime();

        // The broker's acknowledgement completes on the producer's thread: a wait is set up there (nothing
        // is written yet), and every answer is written on an HTTP thread.
        CompletableFuture<RecordMetadata> published;
        try {
            published = batches.publish(key, request, answer == null ? null : waiter.id());
        } catch (RuntimeException e) { // stopping: the answer below still ends the wait and frees its slot
            published = CompletableFuture.failedFuture(e);
        }
        return published.handle((metadata, error) -> error)
                .thenCompose(error -> {
                    long ackedNanos = System.nanoTime();
                    timers.published(startNanos, ackedNanos, error == null);
                    if (error == null && answer != null) {
                        return answer.completeOnTimeout(pending, waitMs, TimeUnit.MILLISECONDS).thenAcceptAsync(told -> {
                            timers.waited(ackedNanos, System.nanoTime(), told != pending);
                            answered(ctx, told == pending ? 202 : 200, told);
                        }, responses);
                    }
                    if (error != null && answer != null) {
                        answer.cancel(true); // nothing to wait for: forgets the ledger waiter and the issuers' answer
                    }
                    return CompletableFuture.runAsync(() -> {
                        if (error != null) {
                            brokerFailures.answer(ctx, error);
                        } else {
                            answered(ctx, 202, pending);
                        }
                    }, responses);
                });
    }

    private void answered(Context ctx, int status, Answer answer) {
        timers.told(answer);
        ctx.status(status).json(answer);
    }

    /**
     * The answer from whichever decision comes first: the owning issuer's as it makes it
     * (IssuerQueries#awaitDecision, before its commit; docs/architecture.md#answers-before-the-commit) or the
     * committed one on the ledger ({@link DecisionWaiter}). Both are asked before the application is
     * sent, so no decision slips past. Once it completes (an answer, the wait ran out, or cancelled) the
     * rest are stopped: the registration on the issuers' answers and the ledger waiter are forgotten,
     * so none holds an entry for the rest of the wait.
     */
    private CompletableFuture<Answer> firstAnswer(String eventId, String spreadUserId, String requestId,
                                                  int waitMs) {
        CompletableFuture<Answer> first = new CompletableFuture<>();
        waiter.expect(requestId).thenAccept(fromLedger -> {
            if (first.complete(fromLedger)) {
                timers.answered(false);
            }
        });
        Consumer<Optional<Decision>> fromIssuer = decision -> decision.ifPresent(found -> {
            if (first.complete(Answer.of(found))) {
                timers.answered(true);
            }
        });
        List<CompletableFuture<Optional<Decision>>> polls = new ArrayList<>(2);
        polls.add(queries.awaitDecision(eventId, spreadUserId, requestId, waitMs));
        if (spreadUserId != null) {
            // Stage 1 decides on the user's partition; a claim is decided on the event's: ask both owners.
            polls.add(queries.awaitDecision(eventId, null, requestId, waitMs));
        }
        polls.forEach(poll -> poll.thenAccept(fromIssuer));
        first.whenComplete((told, error) -> {
            waiter.forget(requestId);
            polls.forEach(poll -> poll.cancel(true));
        });
        return first;
    }

    /**
     * The user's coupon (in jwt identity mode, the caller's own only); else SOLD_OUT once the event is sold out (a sold-out applicant is not
     * recorded, so this is what any application of theirs would be told); else 404. A holder costs one
     * question to the issuer. For the rest the decision is asked again after the event was seen sold
     * out: sold out stays sold out (unless the cap is raised), so a coupon missing from that second
     * answer was not issued in between.
     */
    void status(Context ctx) {
        Caller caller = identity.caller(ctx);
        String eventId = RequestBodies.id(ctx, "eventId");
        String userId = RequestBodies.id(ctx, "userId");
        caller.requireMayRead(userId);
        queries.standingDecision(eventId, userId).map(Answer::of)
                .or(() -> queries.event(eventId).filter(EventStatus::soldOut)
                        .map(soldOut -> queries.standingDecision(eventId, userId).map(Answer::of)
                                .orElse(Answer.soldOut(eventId, userId))))
                .ifPresentOrElse(ctx::json,
                        () -> ctx.status(404).json(Map.of("eventId", eventId, "userId", userId, "status", "UNKNOWN")));
    }

    private static int waitMs(Context ctx) {
        return (int) RequestBodies.wholeNumber(ctx, "waitMs", 0, 0, MAX_WAIT_MS);
    }
}
