package io.couponissuer;

import io.couponissuer.config.Setting;
import io.couponissuer.json.Json;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.FailedRecords;
import io.couponissuer.kafka.IssuerCommandSerde;
import io.couponissuer.kafka.RecordAuthenticator;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.Claim;
import io.couponissuer.message.ClaimDecided;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.StandingDecision;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.EventSoldOut;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.message.WindowOpened;
import io.couponissuer.testing.CommittedTopics;
import io.couponissuer.testing.EveryCheckReady;
import io.couponissuer.testing.InProcessSystem;
import io.couponissuer.testing.KafkaBrokerExtension;
import io.couponissuer.testing.TestDatabase;
import io.couponissuer.testing.TestHttp;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #21, the Kafka-side counterpart of HostileHttpInputIT, on a real broker: a producer that may
 * write coupon.apply-requests forges each record type only gateways and issuers may write, sends
 * applications whose headers bring them just under the topic's 64 KiB limit (for a plain and a spread
 * event), a malformed record and a replay of a gateway's own record. Forged and malformed records land
 * on coupon.failed with the reason and change nothing; every event goes on being decided exactly.
 */
class HostileKafkaInputIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(3);
    @RegisterExtension
    static final TestDatabase database = TestDatabase.perClass();
    static final String TOKEN = "hostile-kafka-token";
    static InProcessSystem system;

    @BeforeAll
    static void start() {
        system = InProcessSystem.start(KAFKA.settings()
                .with(Setting.COUPON_JDBC_URL, database.jdbcUrl())
                .with(Setting.COUPON_ADMIN_TOKEN, TOKEN));
        EveryCheckReady.await(system.gatewayUrl() + "/health/ready", TOKEN, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void forgedOversizedMalformedAndReplayedRecordsChangeNothingAndDecidingGoesOn() throws Exception {
        define("{\"eventId\":\"plain\",\"cap\":5}");
        define("{\"eventId\":\"hot\",\"cap\":5,\"spread\":true}");
        // One coupon of the plain event first, so there is a gateway's own record to replay.
        assertThat(apply("plain", "u-0").statusCode()).isEqualTo(200);

        RecordAuthenticator foreign = RecordAuthenticator.parse(RecordAuthenticator.randomSetting());
        CouponIssued fake = new CouponIssued("hot-1", "hot", "u-victim", "r-x", 1, Instant.now());
        List<Forged> forged = List.of(
                new Forged("plain", new EventDefinition("plain", 1000, null, null), null),
                new Forged("plain", new EventDefinition("plain", 1000, null, null), foreign),
                new Forged("made-up", new EventDefinition("made-up", 5, null, null), null),
                new Forged("hot", new Claim(new ApplyRequest("r-claim", "hot", "u-thief", Instant.now()), true), null),
                new Forged("hot/u-victim", new ClaimDecided("hot", "u-victim", StandingDecision.issued(fake)), null),
                new Forged("hot", new WindowOpened("hot", Long.MAX_VALUE, 5, 0, null, null), null),
                new Forged("hot", new EventSoldOut("hot", 5), null),
                new Forged("plain", new ApplyRequest("r-signed-elsewhere", "plain", "u-x", Instant.now()), foreign));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                ClientConfigs.producer(KAFKA.settings(), "hostile-producer"), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (Forged each : forged) {
                RecordHeaders headers = new RecordHeaders();
                byte[] value = new IssuerCommandSerde(each.signer()).serialize(Topics.APPLY_REQUESTS.name(), headers,
                        each.command());
                send(producer, each.key(), value, headers);
            }
            send(producer, "plain", "{\"requestId\":".getBytes(StandardCharsets.UTF_8), new RecordHeaders());
            // Just under the topic's limit: a claim derived from the spread one used to copy the header and
            // could not be sent, which stopped the issuer.
            for (String key : List.of("plain", "hot/u-big")) {
                String eventId = key.contains("/") ? "hot" : "plain";
                RecordHeaders headers = new RecordHeaders();
                byte[] value = Topics.APPLY_REQUESTS.write(new ApplyRequest("r-big-" + eventId, eventId, "u-big", Instant.now()));
                // The batch header (61 bytes) and the record's own framing (under 40) take the rest.
                int room = 64 * 1024 - 61 - 40 - key.length() - value.length - "padding".length()
                        - IssuerCommandSerde.AWAITED_HEADER.length();
                byte[] pad = new byte[room / 2];
                Arrays.fill(pad, (byte) 'x');
                headers.add("padding", pad);
                headers.add(IssuerCommandSerde.AWAITED_HEADER, pad); // too long to be a gateway's: not passed on
                send(producer, key, value, headers);
            }
            // A replay of the gateway's own record for u-0: a valid authenticator, the same application.
            ConsumerRecord<String, byte[]> original = new CommittedTopics(KAFKA.bootstrapServers())
                    .readAll(Topics.APPLY_REQUESTS.name(), Duration.ofSeconds(10)).stream()
                    .filter(record -> record.key().equals("plain") && new String(record.value(), StandardCharsets.UTF_8)
                            .contains("\"u-0\"")).findFirst().orElseThrow();
            producer.send(new ProducerRecord<>(Topics.APPLY_REQUESTS.name(), null, original.key().getBytes(StandardCharsets.UTF_8),
                    original.value(), original.headers())).get();
        }

        // Deciding goes on for both events: exactly the cap, the oversized applications among them.
        List<Integer> plain = new ArrayList<>();
        List<Integer> hot = new ArrayList<>();
        for (int u = 1; u <= 8; u++) {
            plain.add(apply("plain", "u-" + u).statusCode());
            hot.add(apply("hot", "u-" + u).statusCode());
        }
        assertThat(plain).containsOnly(200);
        assertThat(hot).containsOnly(200);
        assertThat(event("plain").path("cap").asInt()).as("the forged definition changed nothing").isEqualTo(5);
        assertThat(event("plain").path("issued").asInt()).isEqualTo(5);
        assertThat(event("hot").path("issued").asInt()).isEqualTo(5);
        assertThat(TestHttp.get(system.gatewayUrl() + "/api/events/made-up").statusCode()).isEqualTo(404);
        assertThat(status("hot", "u-victim").body()).as("no forged outcome made a holder").doesNotContain("ISSUED");

        List<CouponIssued> issued = new CommittedTopics(KAFKA.bootstrapServers())
                .readAll(Topics.ISSUED.name(), Duration.ofSeconds(10)).stream().map(Topics.ISSUED::read).toList();
        assertThat(issued).filteredOn(coupon -> coupon.eventId().equals("plain")).hasSize(5)
                .extracting(CouponIssued::userId).doesNotHaveDuplicates().contains("u-0", "u-big");
        assertThat(issued).filteredOn(coupon -> coupon.eventId().equals("hot")).hasSize(5)
                .extracting(CouponIssued::userId).contains("u-big").doesNotContain("u-thief", "u-victim");

        List<String> reasons = new CommittedTopics(KAFKA.bootstrapServers())
                .readAll(Topics.FAILED.name(), Duration.ofSeconds(10)).stream()
                .map(record -> FailedRecords.header(record.headers(), FailedRecords.MESSAGE)).toList();
        assertThat(reasons).filteredOn(reason -> reason.contains(RecordAuthenticator.HEADER)).hasSize(forged.size());
        assertThat(reasons).filteredOn(reason -> reason.contains("malformed JSON")).hasSize(1);
        assertThat(reasons).hasSize(forged.size() + 1);
    }

    private record Forged(String key, IssuerCommand command, RecordAuthenticator signer) {
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String key, byte[] value, RecordHeaders headers)
            throws Exception {
        producer.send(new ProducerRecord<>(Topics.APPLY_REQUESTS.name(), null, key.getBytes(StandardCharsets.UTF_8),
                value, headers)).get();
    }

    private static void define(String json) throws Exception {
        assertThat(TestHttp.post(system.gatewayUrl() + "/api/events", json, TOKEN).statusCode()).isEqualTo(201);
    }

    private static HttpResponse<String> apply(String eventId, String userId) throws Exception {
        return TestHttp.post(system.gatewayUrl() + "/api/events/" + eventId + "/applications?waitMs=5000",
                "{\"userId\":\"" + userId + "\"}", null);
    }

    private static HttpResponse<String> status(String eventId, String userId) throws Exception {
        return TestHttp.get(system.gatewayUrl() + "/api/events/" + eventId + "/applications/" + userId);
    }

    private static com.fasterxml.jackson.databind.JsonNode event(String eventId) throws Exception {
        return Json.MAPPER.readTree(TestHttp.get(system.gatewayUrl() + "/api/events/" + eventId).body());
    }
}
