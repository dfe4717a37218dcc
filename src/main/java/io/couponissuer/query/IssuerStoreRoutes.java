package io.couponissuer.query;

import io.couponissuer.json.Json;
import io.couponissuer.message.Ids;
import io.javalin.http.sse.SseClient;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.util.Map;

/**
 * The issuer's store endpoints, for gateways and for other issuer instances. With
 * {@code local=true} an instance answers only from its own stores (a forwarded question).
 */
public final class IssuerStoreRoutes {
    private final IssuerQueries queries;
    private final IssuerQueries localOnly;
    private final InstanceSecret secret;
    private final AnswerFeed answers;
    /** A gateway waits at most 10 s (?waitMs); the margin covers the hop. */
    static final int MAX_DECISION_WAIT_MS = 15_000;

    /**
     * @param queries   answered by the owner of the event, this instance or another
     * @param localOnly answered from this instance's stores only (for a question another instance forwarded)
     * @param answers   this instance's decisions on awaited applications, streamed to their gateways
     * @param secret    what gateways and other issuers must present: the port may be reachable by others
     */
    public IssuerStoreRoutes(IssuerQueries queries, IssuerQueries localOnly, AnswerFeed answers, InstanceSecret secret) {
        this.answers = answers;
        this.queries = queries;
        this.localOnly = localOnly;
        this.secret = secret;
    }

    public void register(JavalinConfig config) {
        config.routes.before("/internal/*", this::requireSecret);
        config.routes.get("/internal/events", ctx -> ctx.json(target(ctx).events()));
        config.routes.get("/internal/events/{eventId}", this::event);
        config.routes.get("/internal/events/{eventId}/decisions/{userId}", this::standingDecision);
        config.routes.get("/internal/events/{eventId}/answers/{requestId}", this::awaitDecision);
        config.routes.sse("/internal/answers/{gatewayId}", this::streamAnswers);
        config.routes.exception(IssuerQueries.UnavailableException.class, (e, ctx) ->
                ctx.status(503).header("Retry-After", "1").json(Map.of("error", "unavailable", "message", e.getMessage())));
        config.routes.exception(IllegalArgumentException.class, (e, ctx) ->
                ctx.status(400).json(Map.of("error", "bad_request", "message", e.getMessage())));
    }

    private void requireSecret(Context ctx) {
        if (!secret.admits(ctx.header(InstanceSecret.HEADER))) {
            ctx.skipRemainingHandlers();
            ctx.status(401).json(Map.of("error", "unauthorized", "message", "the instance secret is required"));
        }
    }

    private IssuerQueries target(Context ctx) {
        return "true".equals(ctx.queryParam("local")) ? localOnly : queries;
    }

    private void event(Context ctx) {
        String eventId = Ids.require("eventId", ctx.pathParam("eventId"));
        target(ctx).event(eventId).ifPresentOrElse(ctx::json,
                () -> ctx.status(404).json(Map.of("status", "UNKNOWN")));
    }

    /**
     * Long poll for the decision on an awaited application: 200 with it, or 204 when the wait ran out. With
     * {@code userId}, the application is keyed eventId/userId (a spread event): asked of that partition.
     */
    private void awaitDecision(Context ctx) {
        String eventId = Ids.require("eventId", ctx.pathParam("eventId"));
        String requestId = Ids.require("requestId", ctx.pathParam("requestId"));
        int waitMs;
        try {
            waitMs = Integer.parseInt(ctx.queryParam("waitMs") == null ? "0" : ctx.queryParam("waitMs"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("waitMs: must be a whole number of milliseconds");
        }
        if (waitMs < 0 || waitMs > MAX_DECISION_WAIT_MS) {
            throw new IllegalArgumentException("waitMs: must be from 0 to " + MAX_DECISION_WAIT_MS);
        }
        String userId = ctx.queryParam("userId") == null ? null : Ids.require("userId", ctx.queryParam("userId"));
        ctx.future(() -> target(ctx).awaitDecision(eventId, userId, requestId, waitMs).thenAccept(decision -> decision.ifPresentOrElse(
                found -> ctx.json(DecisionBody.of(found)), () -> ctx.status(204))));
    }

    /**
     * Server-sent events, one {@code decision} event (a {@link DecisionBody}) for every decision this
     * instance makes on an application marked with the gateway's id, for as long as the gateway stays
     * connected: one stream per gateway and issuer instead of a long poll per waiting client.
     */
    private void streamAnswers(SseClient client) {
        String gatewayId = Ids.require("gatewayId", client.ctx().pathParam("gatewayId"));
        AutoCloseable subscription;
        try {
            subscription = answers.subscribe(gatewayId, decision -> {
                if (client.terminated()) {
                    throw new IllegalStateException("the gateway went away");
                }
                try {
                    client.sendEvent("decision", Json.MAPPER.writeValueAsString(DecisionBody.of(decision)));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (IllegalStateException e) {
            client.ctx().status(503);
            client.close();
            return;
        }
        client.onClose(() -> {
            try {
                subscription.close();
            } catch (Exception e) {
                // nothing held beyond the subscription
            }
        });
        client.keepAlive();
        client.sendComment("streaming the answers for gateway " + gatewayId);
    }

    private void standingDecision(Context ctx) {
        String eventId = Ids.require("eventId", ctx.pathParam("eventId"));
        String userId = Ids.require("userId", ctx.pathParam("userId"));
        target(ctx).standingDecision(eventId, userId).ifPresentOrElse(ctx::json,
                () -> ctx.status(404).json(Map.of("status", "UNKNOWN")));
    }
}
