package io.couponissuer.bench;

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
            HttpTransport.Answer answer = transport.post(gateway.resolve("/api/events"), body, adminToken).get();
            if (answer.status() != 201) {
                throw new IllegalStateException("creating " + eventId + " answered " + answer.status() + ": "
                        + answer.body());
            }
        }
        SentRequest[] sent = new SentRequest[plan.requests()];
        Semaphore clients = new Semaphore(concurrency);
        String query = waitMs > 0 ? "?waitMs=" + waitMs : "";
        for (int i = 0; i < plan.requests(); i++) {
            RunPlan.Application application = plan.application(i);
            URI uri = gateway.resolve("/api/events/" + application.eventId() + "/applications" + query);
            String body = "{\"userId\":\"" + application.userId() + "\"}";
            clients.acquire();
            long sentNanos = System.nanoTime();
            int index = i;
            transport.post(uri, body, null).whenComplete((answer, error) -> {
                sent[index] = toSent(application, sentNanos, System.nanoTime(), answer, error);
                clients.release();
            });
        }
        clients.acquire(concurrency);
        return Arrays.asList(sent);
    }

    private static SentRequest toSent(RunPlan.Application application, long sentNanos, long now,
                                      HttpTransport.Answer answer, Throwable error) {
        if (answer == null) {
            return new SentRequest(null, application.eventId(), application.userId(), sentNanos, 0, 0, 0,
                    error == null ? "no answer" : SentRequest.failureOf(error));
        }
        if (answer.status() != 200 && answer.status() != 202) {
            return new SentRequest(null, application.eventId(), application.userId(), sentNanos, 0, 0, answer.status(),
                    "HTTP " + answer.status());
        }
        String requestId = requestIdOf(answer.body());
        long answered = answer.status() == 200 ? now : 0;
        return new SentRequest(requestId, application.eventId(), application.userId(), sentNanos, now, answered,
                answer.status(), null);
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
