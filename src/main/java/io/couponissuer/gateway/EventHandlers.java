package io.couponissuer.gateway;

import io.couponissuer.message.EventDefinition;
import io.couponissuer.query.IssuerQueries;
import io.javalin.http.Context;

import java.util.Map;

/** POST /api/events (admin) and GET /api/events/{eventId}. */
final class EventHandlers {
    private final AdminAuth auth;
    private final CommandPublisher publisher;
    private final IssuerQueries queries;
    private final BrokerFailures brokerFailures;

    EventHandlers(AdminAuth auth, CommandPublisher publisher, IssuerQueries queries, BrokerFailures brokerFailures) {
        this.auth = auth;
        this.publisher = publisher;
        this.queries = queries;
        this.brokerFailures = brokerFailures;
    }

    /** 201 once the broker has the definition: from then on no application of the event is decided before it. */
    void create(Context ctx) {
        auth.require(ctx);
        EventDefinition definition = RequestBodies.read(ctx, EventDefinition.class);
        ctx.future(() -> publisher.publish(definition)
                .handle((metadata, error) -> {
                    if (error != null) {
                        brokerFailures.answer(ctx, error);
                    } else {
                        ctx.status(201).json(definition);
                    }
                    return null;
                }));
    }

    void get(Context ctx) {
        String eventId = RequestBodies.id(ctx, "eventId");
        queries.event(eventId).ifPresentOrElse(ctx::json,
                () -> ctx.status(404).json(Map.of("eventId", eventId, "status", "UNKNOWN")));
    }
}
