package io.couponissuer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.couponissuer.config.Setting;
import io.couponissuer.json.Json;
import io.couponissuer.kafka.IssuerCommandSerde;
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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway gathers the applications of one event that arrive together into ApplyBatch records
 * (COUPON_GATEWAY_BATCH_MS), on a real broker: a crowd applying at once travels in fewer records than
 * applications, every client still gets its own decision within its ?waitMs, and the judge holds.
 */
class ApplicationBatchesIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(3);
    @RegisterExtension
    static final TestDatabase database = TestDatabase.perClass();
    static final String TOKEN = "batch-token";
    static final int CLIENTS = 200;
    static final int CAP = 120;
    static InProcessSystem system;

    @BeforeAll
    static void start() {
        system = InProcessSystem.startReady(KAFKA.settings().with(Setting.COUPON_GATEWAY_BATCH_MS, 20), database, TOKEN);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void aCrowdTravelsInBatchesAndEveryClientGetsItsOwnDecision() throws Exception {
        assertThat(TestHttp.post(system.gatewayUrl() + "/api/events", "{\"eventId\":\"crowd\",\"cap\":" + CAP + "}", TOKEN)
                .statusCode()).isEqualTo(201);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            sent.add(http.sendAsync(HttpRequest.newBuilder(URI.create(system.gatewayUrl()
                            + "/api/events/crowd/applications?waitMs=8000")).timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"u-" + i + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<InvariantJudge.Application> accepted = new ArrayList<>();
        List<InvariantJudge.ClientAnswer> told = new ArrayList<>();
        int issued = 0;
        for (CompletableFuture<HttpResponse<String>> each : sent) {
            HttpResponse<String> response = each.get();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode answer = Json.MAPPER.readTree(response.body());
            accepted.add(new InvariantJudge.Application(answer.path("requestId").asText(), "crowd",
                    answer.path("userId").asText()));
            told.add(new InvariantJudge.ClientAnswer(answer.path("requestId").asText(), answer.path("userId").asText(),
                    answer.path("status").asText(), answer.path("couponId").asText(null), answer.path("reason").asText(null)));
            issued += answer.path("status").asText().equals("ISSUED") ? 1 : 0;
        }
        assertThat(issued).isEqualTo(CAP);

        int records = 0;
        int inBatches = 0;
        int largest = 0;
        for (ConsumerRecord<String, byte[]> record : new CommittedTopics(KAFKA.bootstrapServers())
                .readAll(Topics.APPLY_REQUESTS.name(), Duration.ofSeconds(30))) {
            String type = IssuerCommandSerde.typeOf(record.headers());
            if (!"crowd".equals(record.key()) || type.equals(IssuerCommandSerde.TYPE_DEFINITION)) {
                continue;
            }
            records++;
            if (type.equals(IssuerCommandSerde.TYPE_APPLY_BATCH)) {
                int size = Json.MAPPER.readTree(record.value()).path("applications").size();
                inBatches += size;
                largest = Math.max(largest, size);
            }
        }
        System.out.printf("%d applications: %d records on %s, %d of them in batches, the largest %d%n",
                CLIENTS, records, Topics.APPLY_REQUESTS.name(), inBatches, largest);
        assertThat(records).as("fewer records than applications").isLessThan(CLIENTS / 2);
        assertThat(largest).isGreaterThan(1);

        CouponInvariants.Report report = new CouponInvariants(KAFKA.bootstrapServers(), database, Map.of("crowd", CAP))
                .check(accepted, true, told, Duration.ofSeconds(30));
        System.out.println("batches: " + report);
    }
}
