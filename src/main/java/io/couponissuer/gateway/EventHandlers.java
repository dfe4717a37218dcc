package io.couponissuer.gateway;

import io.couponissuer.kafka.CommittedEvents;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.query.EventState;
import io.couponissuer.query.EventStatus;
import io.couponissuer.query.IssuerQueries;
import io.javalin.http.Context;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** POST /api/events (admin), GET /api/events (admin) and GET /api/events/{eventId}. */
final class EventHandlers {
    private final AdminAuth auth;
    private final CommandPublisher publisher;
    private final CommittedEvents definitions;
    private final long takeTimeoutMs;
    private final IssuerQueries queries;
    private final BrokerFailures brokerFailures;
    private final Clock clock;

    /** One event of the list: its figures from the issuers' stores and its state now. */
    record ListedEvent(String eventId, int cap, long issued, long remaining, Instant opensAt, Instant closesAt,
                       boolean spread, EventState state) {
        static ListedEvent of(EventStatus event, Instant now) {
            return new ListedEvent(event.eventId(), event.cap(), event.issued(), event.remaining(), event.opensAt(),
                    event.closesAt(), event.spread(), event.state(now));
        }
    }

    /** A page of events, by eventId; {@code next} is the {@code after} of the next page, null on the last. */
    record EventPage(List<ListedEvent> events, String next) {
    }

    EventHandlers(AdminAuth auth, CommandPublisher publisher, CommittedEvents definitions, long takeTimeoutMs,
                  IssuerQueries queries, BrokerFailures brokerFailures, Clock clock) {
        this.definitions = definitions;
        this.takeTimeoutMs = takeTimeoutMs;
        this.auth = auth;
        this.publisher = publisher;
        this.queries = queries;
        this.brokerFailures = brokerFailures;
        this.clock = clock;
    }

    /**
     * Every defined event, from the stores of every issuer instance (503 when one cannot be asked: a
     * list missing an instance's events would not be exact), ordered by eventId, a page at a time.
     */
    void list(Context ctx) {
        auth.require(ctx);
        int limit = Paging.limit(ctx);
        String after = Paging.afterId(ctx);
        Instant now = clock.instant();
        List<EventStatus> rest = queries.events().stream()
                .filter(event -> after == null || event.eventId().compareTo(after) > 0)
                .sorted(Comparator.comparing(EventStatus::eventId)).toList();
        List<ListedEvent> page = rest.stream().limit(limit).map(event -> ListedEvent.of(event, now)).toList();
        ctx.json(new EventPage(page, rest.size() > limit ? page.get(page.size() - 1).eventId() : null));
    }

    /**
     * 201 once an issuer has taken the definition (it is committed on coupon.events): from then on
     * every gateway knows the event, so no application that follows is answered 404 (invariant 6).
     * The broker has it from the send on, so if no issuer takes it in time the answer is 503
     * {@code definition_pending}: it still takes effect when an issuer does.
     */
    void create(Context ctx) {
        auth.require(ctx);
        EventDefinition definition = RequestBodies.read(ctx, EventDefinition.class);
        CompletableFuture<EventDefinition> taken = definitions.taken(definition);
        ctx.future(() -> publisher.publish(definition)
                .handle((metadata, error) -> error)
                .thenCompose(error -> {
                    if (error != null) {
                        taken.cancel(false);
                        brokerFailures.answer(ctx, error);
                        return CompletableFuture.completedFuture(null);
                    }
                    return taken.orTimeout(takeTimeoutMs, TimeUnit.MILLISECONDS).handle((inEffect, notYet) -> {
                        if (notYet != null) {
                            taken.cancel(false);
                            ServerErrors.answer(ctx, 503, "definition_pending", "the broker has the definition, but no "
                                    + "issuer took it within " + takeTimeoutMs + " ms; it takes effect when one does", notYet);
                        } else {
                            ctx.status(201).json(definition);
                        }
                        return null;
                    });
                }));
    }

    void get(Context ctx) {
        String eventId = RequestBodies.id(ctx, "eventId");
        queries.event(eventId).ifPresentOrElse(ctx::json,
                () -> ctx.status(404).json(Map.of("eventId", eventId, "status", "UNKNOWN")));
    }
}
