package io.couponissuer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.couponissuer.json.Json;
import io.couponissuer.kafka.Topics;
import io.couponissuer.testing.CommittedTopics;
import io.couponissuer.testing.CouponInvariants;
import io.couponissuer.testing.InProcessSystem;
import io.couponissuer.testing.KafkaBrokerExtension;
import io.couponissuer.testing.TestDatabase;
import io.couponissuer.testing.TestHttp;
import io.couponissuer.tools.judge.InvariantJudge;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The answers at the edge on a real broker (docs/architecture.md#answers-at-the-edge): a holder's
 * DUPLICATE, SOLD_OUT and NOT_OPEN are answered 200 without a record on coupon.apply-requests, with
 * or without ?waitMs; each is on coupon.rejected, marked coupon.decided-by, before its client hears
 * it; a raised cap is heard before its 201, so no SOLD_OUT follows it; and the judge holds.
 */
class EdgeAnswersIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(3);
    @RegisterExtension
    static final TestDatabase database = TestDatabase.perClass();
    static final String TOKEN = "edge-token";
    static InProcessSystem system;

    @BeforeAll
    static void start() {
        system = InProcessSystem.startReady(KAFKA.settings(), database, TOKEN);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void whatCommittedRecordsProveIsAnsweredAtTheGatewayAndWrittenToTheLedger() throws Exception {
        define("{\"eventId\":\"edge\",\"cap\":3}");
        define("{\"eventId\":\"later\",\"cap\":3,\"opensAt\":\"" + Instant.now().plus(Duration.ofHours(1)) + "\"}");
        List<InvariantJudge.Application> accepted = new ArrayList<>();
        List<InvariantJudge.ClientAnswer> told = new ArrayList<>();
        Map<String, String> couponOf = new HashMap<>();
        for (String user : List.of("u1", "u2", "u3")) {
            JsonNode issued = apply("edge", user, 5_000, 200, accepted, told);
            assertThat(issued.path("status").asText()).isEqualTo("ISSUED");
            couponOf.put(user, issued.path("couponId").asText());
        }

        // The ?waitMs answers may come before their commit: wait until the coupons are committed (stored).
        awaitStored("edge", couponOf.values());
        long sentBefore = KAFKA.endOffsetSum(Topics.APPLY_REQUESTS.name());
        // No ?waitMs, still 200: decided without the issuer, after a read barrier that takes in the coupons.
        JsonNode soldOut = apply("edge", "u4", 0, 200, accepted, told);
        assertThat(soldOut.path("reason").asText()).isEqualTo("SOLD_OUT");
        JsonNode duplicate = apply("edge", "u2", 0, 200, accepted, told);
        assertThat(duplicate.path("reason").asText()).isEqualTo("DUPLICATE");
        assertThat(duplicate.path("firstDecision").path("couponId").asText()).isEqualTo(couponOf.get("u2"));
        assertThat(apply("edge", "u5", 2_000, 200, accepted, told).path("reason").asText()).isEqualTo("SOLD_OUT");
        JsonNode notOpen = apply("later", "u1", 0, 200, accepted, told);
        assertThat(notOpen.path("reason").asText()).isEqualTo("NOT_OPEN");
        assertThat(KAFKA.endOffsetSum(Topics.APPLY_REQUESTS.name())).as("nothing sent to the issuer").isEqualTo(sentBefore);

        // Every one of them was on the ledger, marked, before its client was told.
        Map<String, String> decidedBy = edgeRecords();
        for (JsonNode answer : List.of(duplicate, soldOut, notOpen)) {
            assertThat(decidedBy).containsKey(answer.path("requestId").asText());
        }
        assertThat(decidedBy.values()).allSatisfy(gateway -> assertThat(gateway).isNotBlank());

        // A raised cap is read by the gateway before its 201: the next applicant goes to the issuer, and wins.
        // (Another event: the judge below takes an event's cap as fixed for the run.)
        define("{\"eventId\":\"restock\",\"cap\":1}");
        JsonNode first = apply("restock", "u1", 5_000, 200, accepted, told);
        assertThat(first.path("status").asText()).isEqualTo("ISSUED");
        awaitStored("restock", List.of(first.path("couponId").asText()));
        assertThat(apply("restock", "u2", 0, 200, accepted, told).path("reason").asText()).isEqualTo("SOLD_OUT");
        define("{\"eventId\":\"restock\",\"cap\":2}");
        JsonNode restocked = apply("restock", "u2", 5_000, 200, accepted, told);
        assertThat(restocked.path("status").asText()).as(restocked.toString()).isEqualTo("ISSUED");
        assertThat(restocked.path("seq").asLong()).isEqualTo(2);
        awaitStored("restock", List.of(restocked.path("couponId").asText()));
        assertThat(apply("restock", "u3", 0, 200, accepted, told).path("reason").asText()).isEqualTo("SOLD_OUT");

        String metrics = TestHttp.getAsAdmin(system.gatewayUrl() + "/metrics", TOKEN).body();
        assertThat(metrics).contains("coupon_gateway_edge_answers_total{reason=\"SOLD_OUT\"} 4.0")
                .contains("coupon_gateway_edge_answers_total{reason=\"DUPLICATE\"} 1.0")
                .contains("coupon_gateway_edge_answers_total{reason=\"NOT_OPEN\"} 1.0");

        CouponInvariants.Report report = new CouponInvariants(KAFKA.bootstrapServers(), database, Map.of("edge", 3))
                .check(accepted.stream().filter(a -> a.eventId().equals("edge")).toList(), true,
                        told, Duration.ofSeconds(30));
        System.out.println("edge answers: " + report);
        assertThat(report.perEvent().get("edge")).contains("issued 3").contains("rejected at the edge 3");
    }

    private static void awaitStored(String eventId, java.util.Collection<String> couponIds) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String listed = "";
        while (System.nanoTime() < deadline) {
            listed = TestHttp.getAsAdmin(system.gatewayUrl() + "/api/events/" + eventId + "/coupons", TOKEN).body();
            String seen = listed;
            if (couponIds.stream().allMatch(seen::contains)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("coupons " + couponIds + " not stored in time: " + listed);
    }

    private static void define(String body) throws Exception {
        HttpResponse<String> created = TestHttp.post(system.gatewayUrl() + "/api/events", body, TOKEN);
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
    }

    private static JsonNode apply(String eventId, String userId, int waitMs, int status,
                                  List<InvariantJudge.Application> accepted, List<InvariantJudge.ClientAnswer> told)
            throws Exception {
        HttpResponse<String> response = TestHttp.send(HttpRequest.newBuilder(URI.create(system.gatewayUrl()
                        + "/api/events/" + eventId + "/applications?waitMs=" + waitMs))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + userId + "\"}")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode answer = Json.MAPPER.readTree(response.body());
        String requestId = answer.path("requestId").asText();
        accepted.add(new InvariantJudge.Application(requestId, eventId, userId));
        if (eventId.equals("edge")) {
            told.add(new InvariantJudge.ClientAnswer(requestId, userId, answer.path("status").asText(),
                    answer.path("couponId").asText(null), answer.path("reason").asText(null)));
        }
        return answer;
    }

    /** requestId -> the gateway id on coupon.rejected records marked as decided at the edge. */
    private static Map<String, String> edgeRecords() {
        Map<String, String> decidedBy = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : new CommittedTopics(KAFKA.bootstrapServers())
                .readAll(Topics.REJECTED.name(), Duration.ofSeconds(30))) {
            var header = record.headers().lastHeader(Topics.DECIDED_BY_HEADER);
            if (header != null) {
                Topics.readDecisions(record).forEach(decision -> decidedBy.put(decision.requestId(),
                        new String(header.value(), StandardCharsets.UTF_8)));
            }
        }
        return decidedBy;
    }
}
