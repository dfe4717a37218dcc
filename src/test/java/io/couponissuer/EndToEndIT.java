package io.couponissuer;

import io.couponissuer.testing.TestHttp;
import io.couponissuer.tools.judge.InvariantJudge;
import io.couponissuer.config.Setting;
import io.couponissuer.testing.InProcessSystem;
import io.couponissuer.json.Json;
import io.couponissuer.kafka.RejectionBatchSerde;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.ApplyBatch;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.testing.CouponInvariants;
import io.couponissuer.testing.EveryCheckReady;
import io.couponissuer.testing.KafkaBrokerExtension;
import io.couponissuer.testing.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole system in one process on a real KRaft broker and the real PostgreSQL, driven over
 * HTTP: invariants 1-4, 6 and 8 of docs/architecture.md#invariants (judged by {@link CouponInvariants}), the
 * status and event endpoints agreeing with the ledger.
 */
class EndToEndIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(3);
    static final String TOKEN = "e2e-token";

    @RegisterExtension
    static final TestDatabase database = TestDatabase.perClass();
    static InProcessSystem system;

    @BeforeAll
    static void start() throws Exception {
        system = InProcessSystem.start(KAFKA.settings()
                .with(Setting.COUPON_JDBC_URL, database.jdbcUrl())
                .with(Setting.COUPON_ADMIN_TOKEN, TOKEN));
        // Every role, not just the API: the status endpoint must agree with the table from the start.
        EveryCheckReady.await(base() + "/health/ready", TOKEN, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }


    static String base() {
        return system.gatewayUrl();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return TestHttp.get(base() + path);
    }

    static HttpResponse<String> post(String path, String body, boolean admin) throws Exception {
        return TestHttp.post(base() + path, body, admin ? TOKEN : null);
    }

    static void define(String eventId, int cap) throws Exception {
        HttpResponse<String> created = post("/api/events", "{\"eventId\":\"" + eventId + "\",\"cap\":" + cap + "}", true);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(Json.MAPPER.readTree(created.body()).path("cap").asInt()).isEqualTo(cap);
    }

    record Application(String eventId, String userId) {
    }

    @Test
    void tenThousandApplicationsFromThreeThousandUsersIssueExactlyTheCaps() throws Exception {
        Map<String, Integer> caps = Map.of("big-sale", 100, "small-sale", 7);
        for (var cap : caps.entrySet()) {
            define(cap.getKey(), cap.getValue());
        }
        List<Application> applications = applications(new Random(7), List.copyOf(caps.keySet()), 3_000, 10_000);

        // 64 concurrent clients; every 202 is remembered with what it was for, every 200 (decided at the
        // edge) with its decision too.
        Map<String, Application> accepted = new ConcurrentHashMap<>();
        Map<String, InvariantJudge.ClientAnswer> told = new ConcurrentHashMap<>();
        AtomicInteger otherAnswers = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(64);
        List<Future<?>> sends = new ArrayList<>();
        long started = System.nanoTime();
        for (Application application : applications) {
            sends.add(clients.submit(() -> {
                HttpResponse<String> response = post("/api/events/" + application.eventId() + "/applications",
                        "{\"userId\":\"" + application.userId() + "\"}", false);
                if (response.statusCode() == 202 || response.statusCode() == 200) {
                    JsonNode answer = Json.MAPPER.readTree(response.body());
                    String requestId = answer.path("requestId").asText();
                    accepted.put(requestId, application);
                    if (response.statusCode() == 200) {
                        told.put(requestId, new InvariantJudge.ClientAnswer(requestId, application.userId(),
                                answer.path("status").asText(), answer.path("couponId").asText(null),
                                answer.path("reason").asText(null)));
                    }
                } else {
                    otherAnswers.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> send : sends) {
            send.get();
        }
        clients.shutdown();
        System.out.printf("EndToEndIT: %d applications posted by 64 clients in %d ms, %d accepted (%d of them decided"
                        + " at the edge), %d other answers%n", applications.size(), (System.nanoTime() - started) / 1_000_000,
                accepted.size(), told.size(), otherAnswers.get());
        assertThat(otherAnswers).hasValue(0);
        assertThat(accepted).hasSize(10_000);

        // Every invariant, judged on the topics and the table; every send was accepted, so no other application exists.
        CouponInvariants invariants = new CouponInvariants(KAFKA.bootstrapServers(), database, caps);
        CouponInvariants.Report report = invariants.check(accepted.entrySet().stream().map(a ->
                new InvariantJudge.Application(a.getKey(), a.getValue().eventId(), a.getValue().userId())).toList(),
                true, List.copyOf(told.values()), Duration.ofSeconds(150));
        System.out.println("EndToEndIT: " + report);
        // No fault here: every coupon is a row, none waits on coupon.failed for replay.
        assertThat(report.failedCoupons()).isZero();
        assertThat(report.rows()).isEqualTo(107);

        // Invariant 8: the status endpoint shows every user who applied the ledger's standing decision, and
        // the event endpoint the ledger's counts.
        List<InvariantJudge.StatusShown> shown = new ArrayList<>();
        for (Application applicant : new HashSet<>(applications)) {
            HttpResponse<String> response = get("/api/events/" + applicant.eventId() + "/applications/" + applicant.userId());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode decision = Json.MAPPER.readTree(response.body());
            shown.add(new InvariantJudge.StatusShown(applicant.eventId(), applicant.userId(), decision.path("status").asText(),
                    decision.path("couponId").asText(null), decision.path("reason").asText(null)));
        }
        List<InvariantJudge.EventShown> events = new ArrayList<>();
        for (String eventId : caps.keySet()) {
            JsonNode event = Json.MAPPER.readTree(get("/api/events/" + eventId).body());
            events.add(new InvariantJudge.EventShown(eventId, event.path("issued").asLong(), event.path("remaining").asLong()));
        }
        invariants.checkShownAgreesWithTheLedger(shown, events);
    }

    @Test
    void batchedApplicationsFromADirectProducerAreDecidedExactlyAndAnsweredOneRejectionRecordPerBatch()
            throws Exception {
        Map<String, Integer> caps = Map.of("batch-sale", 5);
        define("batch-sale", 5);
        // Four records of 25 applications; 60 users, so the last batches repeat some (DUPLICATE for the holders).
        List<InvariantJudge.Application> sent = new ArrayList<>();
        try (var producer = KAFKA.producer(new org.apache.kafka.common.serialization.StringSerializer(),
                Topics.APPLY_REQUESTS.valueSerde().serializer())) {
            for (int b = 0; b < 4; b++) {
                List<ApplyRequest> batch = new ArrayList<>();
                for (int i = 0; i < 25; i++) {
                    batch.add(new ApplyRequest("batch-r" + b + "-" + i, "batch-sale", "user-" + (b * 25 + i) % 60,
                            java.time.Instant.now()));
                }
                batch.forEach(a -> sent.add(new InvariantJudge.Application(a.requestId(), a.eventId(), a.userId())));
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.APPLY_REQUESTS.name(),
                        "batch-sale", new ApplyBatch("batch-sale", batch))).get();
            }
        }

        CouponInvariants.Report report = new CouponInvariants(KAFKA.bootstrapServers(), database, caps)
                .check(sent, true, List.of(), Duration.ofSeconds(60));
        assertThat(report.decisions()).isEqualTo(100);
        assertThat(report.rows()).isEqualTo(5);
        // The first five users won; every other answer is a rejection, and each batch's went out as one record.
        List<ConsumerRecord<String, byte[]>> rejected = KAFKA.readToEnd(Topics.REJECTED.name(),
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(), Duration.ofSeconds(30)).stream()
                .filter(r -> r.key().equals("batch-sale")).toList();
        assertThat(rejected).hasSize(4).allSatisfy(r -> assertThat(RejectionBatchSerde.isBatch(r.headers())).isTrue());
        assertThat(rejected.stream().mapToInt(r -> Topics.readDecisions(r).size()).sum()).isEqualTo(95);
    }

    @Test
    void waitMsAnswersWithTheDecision() throws Exception {
        double byIssuerBefore = system.system().registry().counter("coupon.gateway.answers", "source", "issuer").count();
        define("wait-sale", 1);
        JsonNode first = Json.MAPPER.readTree(
                expect(post("/api/events/wait-sale/applications?waitMs=10000", "{\"userId\":\"w-1\"}", false), 200));
        assertThat(first.path("status").asText()).isEqualTo("ISSUED");
        assertThat(first.path("couponId").asText()).isEqualTo("wait-sale-1");
        assertThat(first.path("seq").asInt()).isEqualTo(1);

        JsonNode again = Json.MAPPER.readTree(
                expect(post("/api/events/wait-sale/applications?waitMs=10000", "{\"userId\":\"w-1\"}", false), 200));
        assertThat(again.path("status").asText()).isEqualTo("REJECTED");
        assertThat(again.path("reason").asText()).isEqualTo("DUPLICATE");
        assertThat(again.path("firstDecision").path("couponId").asText()).isEqualTo("wait-sale-1");

        JsonNode late = Json.MAPPER.readTree(
                expect(post("/api/events/wait-sale/applications?waitMs=10000", "{\"userId\":\"w-2\"}", false), 200));
        assertThat(late.path("reason").asText()).isEqualTo("SOLD_OUT");
        // Not recorded: a repeat is sold out again, not a DUPLICATE, and the status says SOLD_OUT for
        // any user without a coupon, naming no request.
        JsonNode lateAgain = Json.MAPPER.readTree(
                expect(post("/api/events/wait-sale/applications?waitMs=10000", "{\"userId\":\"w-2\"}", false), 200));
        assertThat(lateAgain.path("reason").asText()).isEqualTo("SOLD_OUT");
        for (String user : List.of("w-2", "never-applied")) {
            JsonNode status = Json.MAPPER.readTree(expect(get("/api/events/wait-sale/applications/" + user), 200));
            assertThat(status.path("status").asText()).as(user).isEqualTo("REJECTED");
            assertThat(status.path("reason").asText()).as(user).isEqualTo("SOLD_OUT");
            assertThat(status.has("requestId")).as(user).isFalse();
        }

        // An event with no committed definition: 404 from the gateway, nothing sent (a direct producer's
        // application of it is decided EVENT_UNKNOWN: CouponTopologyTest).
        JsonNode unknown = Json.MAPPER.readTree(
                expect(post("/api/events/no-such-sale/applications?waitMs=10000", "{\"userId\":\"w-1\"}", false), 404));
        assertThat(unknown.path("error").asText()).isEqualTo("unknown_event");
        // The issuer in this process handed these answers over as it decided, before its commit (the
        // ledger waits for the commit, at least 100 ms): an early path that never delivered fails here.
        assertThat(system.system().registry().counter("coupon.gateway.answers", "source", "issuer").count() - byIssuerBefore)
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void creatingAnEventNeedsTheAdminToken() throws Exception {
        assertThat(post("/api/events", "{\"eventId\":\"x\"}", false).statusCode()).isEqualTo(401);
        HttpResponse<String> created = post("/api/events", "{\"eventId\":\"default-cap\"}", true);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(Json.MAPPER.readTree(created.body()).path("cap").asInt()).isEqualTo(100);
    }

    @Test
    void poisonRecordsOnEveryInputTopicLandOnTheFailedTopicAndProcessingGoesOn() throws Exception {
        define("poison-sale", 5);
        try (var producer = KAFKA.producer(new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            // Alone first: the failed record must be committed even when no good record follows it.
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.APPLY_REQUESTS.name(), "poison-sale",
                    "{\"userId\":".getBytes())).get();
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.ISSUED.name(), "poison-sale",
                    "not a coupon".getBytes())).get();
        }
        List<ConsumerRecord<byte[], byte[]>> failed = KAFKA.readAll(Topics.FAILED.name(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(), 2, Duration.ofSeconds(60));
        Map<String, String> stageByTopic = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : failed) {
            stageByTopic.put(io.couponissuer.kafka.FailedRecords.header(record.headers(), io.couponissuer.kafka.FailedRecords.TOPIC),
                    io.couponissuer.kafka.FailedRecords.header(record.headers(), io.couponissuer.kafka.FailedRecords.STAGE));
        }
        assertThat(stageByTopic).containsEntry(Topics.APPLY_REQUESTS.name(), "issuer").containsEntry(Topics.ISSUED.name(), "writer");

        JsonNode after = Json.MAPPER.readTree(
                expect(post("/api/events/poison-sale/applications?waitMs=10000", "{\"userId\":\"p-1\"}", false), 200));
        assertThat(after.path("status").asText()).isEqualTo("ISSUED");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (database.count("SELECT count(*) FROM coupon WHERE event_id = 'poison-sale'") < 1 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(database.count("SELECT count(*) FROM coupon WHERE event_id = 'poison-sale'")).isEqualTo(1);
    }

    static String expect(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return response.body();
    }

    /** Every user applies 1-5 times (to either event), {@code total} applications in all, shuffled. */
    static List<Application> applications(Random random, List<String> events, int users, int total) {
        int[] times = new int[users];
        java.util.Arrays.fill(times, 1);
        for (int extra = total - users; extra > 0; ) {
            int user = random.nextInt(users);
            if (times[user] < 5) {
                times[user]++;
                extra--;
            }
        }
        List<Application> applications = new ArrayList<>();
        for (int user = 0; user < users; user++) {
            for (int t = 0; t < times[user]; t++) {
                applications.add(new Application(events.get(random.nextInt(events.size())), "user-" + user));
            }
        }
        Collections.shuffle(applications, random);
        return applications;
    }
}
