package io.couponissuer.tools.bench;

import io.couponissuer.json.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * Applies through the gateway: {@code concurrency} clients, each sending its next application as soon
 * as its last one is answered. With {@code waitMs > 0} every POST asks to wait for its decision, so a
 * 200 answer is the decision as the user sees it; a 202 is an accepted request still pending.
 */
final class HttpLoad implements ApplicationLoad {
    private final HttpTransport transport;
    private final URI gateway;
    private final String adminToken;
    private final int concurrency;
    private final int waitMs;

    HttpLoad(HttpTransport transport, URI gateway, String adminToken, int concurrency, int waitMs) {
        this.transport = transport;
        this.gateway = gateway;
        this.adminToken = adminToken;
        this.concurrency = concurrency;
        this.waitMs = waitMs;
    }

    @Override
    public List<SentRequest> run(RunPlan plan) throws Exception {
        for (String eventId : plan.eventIds()) {
            String body = Json.MAPPER.writeValueAsString(new EventBody(eventId, plan.cap(), plan.spread()));
            HttpTransport.Response response = transport.post(gateway.resolve("/api/events"), body, adminToken).get();
            if (response.status() != 201) {
                throw new IllegalStateException("creating " + eventId + " answered " + response.status() + ": "
                        + response.body());
            }
        }
        SentRequest[] sent = new SentRequest[plan.requests()];
        Semaphore clients = new Semaphore(concurrency);
        String query = waitMs > 0 ? "?waitMs=" + waitMs : "";
        for (int i = 0; i < plan.requests(); i++) {
            RunPlan.PlannedApplication application = plan.application(i);
            URI uri = gateway.resolve("/api/events/" + application.eventId() + "/applications" + query);
            String body = "{\"userId\":\"" + application.userId() + "\"}";
            clients.acquire();
            long sentNanos = System.nanoTime();
            int index = i;
            transport.post(uri, body, null).whenComplete((response, error) -> {
                sent[index] = toSent(application, sentNanos, System.nanoTime(), response, error);
                clients.release();
            });
        }
        clients.acquire(concurrency);
        return Arrays.asList(sent);
    }

    private static SentRequest toSent(RunPlan.PlannedApplication application, long sentNanos, long now,
                                      HttpTransport.Response response, Throwable error) {
        if (response == null) {
            return new SentRequest(null, application.eventId(), application.userId(), sentNanos, 0, 0, 0,
                    error == null ? "no response" : SentRequest.failureOf(error));
        }
        if (response.status() != 200 && response.status() != 202) {
            return new SentRequest(null, application.eventId(), application.userId(), sentNanos, 0, 0, response.status(),
                    "HTTP " + response.status());
        }
        String requestId = requestIdOf(response.body());
        long answered = response.status() == 200 ? now : 0;
        return new SentRequest(requestId, application.eventId(), application.userId(), sentNanos, now, answered,
                response.status(), null);
    }

    private static String requestIdOf(String body) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            return node.path("requestId").asText(null);
        } catch (Exception e) {
            throw new IllegalStateException("gateway answered unreadable JSON: " + body, e);
        }
    }

    @Override
    public AcceptTime acceptTime() {
        return AcceptTime.SEND_TO_ANSWER;
    }

    @Override
    public String decisionTime() {
        return waitMs > 0
                ? "when the ?waitMs=" + waitMs + " answer carrying the decision arrived (200); for a 202 PENDING,"
                        + " when the bench's read_committed consumer received the decision"
                : "when the bench's read_committed consumer of coupon.issued/coupon.rejected received the decision";
    }

    /** The body of POST /api/events. */
    private record EventBody(String eventId, int cap, boolean spread) {
    }
}
