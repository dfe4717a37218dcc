package io.couponissuer.issuer;

import io.couponissuer.message.Ids;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.util.Map;

/**
 * The issuer's store endpoints, for gateways and for other issuer instances. With
 * {@code local=true} an instance answers only from its own stores (a forwarded question).
 */
public final class IssuerStoreRoutes {
    private final LocalIssuerQueries queries;

    public IssuerStoreRoutes(LocalIssuerQueries queries) {
        this.queries = queries;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/internal/events", ctx -> ctx.json(target(ctx).events()));
        config.routes.get("/internal/events/{eventId}", this::event);
        config.routes.get("/internal/events/{eventId}/decisions/{userId}", this::decision);
        config.routes.exception(IssuerQueries.UnavailableException.class, (e, ctx) ->
                ctx.status(503).header("Retry-After", "1").json(Map.of("error", "unavailable", "message", e.getMessage())));
        config.routes.exception(IllegalArgumentException.class, (e, ctx) ->
                ctx.status(400).json(Map.of("error", "bad_request", "message", e.getMessage())));
    }

    private IssuerQueries target(Context ctx) {
        return "true".equals(ctx.queryParam("local")) ? queries.localOnly() : queries;
    }

    private void event(Context ctx) {
        String eventId = Ids.require("eventId", ctx.pathParam("eventId"));
        target(ctx).event(eventId).ifPresentOrElse(ctx::json,
                () -> ctx.status(404).json(Map.of("status", "UNKNOWN")));
    }

    private void decision(Context ctx) {
        String eventId = Ids.require("eventId", ctx.pathParam("eventId"));
        String userId = Ids.require("userId", ctx.pathParam("userId"));
        target(ctx).decision(eventId, userId).ifPresentOrElse(ctx::json,
                () -> ctx.status(404).json(Map.of("status", "UNKNOWN")));
    }
}
