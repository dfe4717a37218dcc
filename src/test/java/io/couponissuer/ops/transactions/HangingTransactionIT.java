package io.couponissuer.ops.transactions;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.health.HealthCheck;
import io.couponissuer.json.Json;
import io.couponissuer.kafka.Topics;
import io.couponissuer.ops.lag.LagCommand;
import io.couponissuer.testing.HangingTransactionMaker;
import io.couponissuer.testing.KafkaBrokerExtension;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hanging-transaction guard on a real broker, against the end state a whole-machine crash
 * left twice (docs/operations.md#hanging-transactions), made on purpose by {@link HangingTransactionMaker}: a transaction
 * that aborted everywhere else is aborted on the stuck partition too, and the partition reads on;
 * one that committed everywhere else is refused, stays visible in readiness with the remedy, and is
 * never aborted on a guess; another application's is named and left open; a transaction still in
 * progress is left alone.
 */
class HangingTransactionIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(3, HangingTransactionMaker.BROKER_OVERRIDES);

    private static Admin admin;

    @BeforeAll
    static void connect() {
        admin = KAFKA.admin();
    }

    @AfterAll
    static void disconnect() {
        admin.close();
    }

    /** A transactional id of the issuer's own Kafka Streams producers. */
    private static String ours() {
        return HangingTransactionMaker.streamsTransactionalId(KAFKA.settings().get(Setting.COUPON_APPLICATION_ID));
    }

    private static HangingTransactionGuard guard(SimpleMeterRegistry registry) {
        Settings settings = KAFKA.settings().with(Setting.COUPON_HANGING_TXN_CHECK_MS, 300)
                .with(Setting.COUPON_HANGING_TXN_REPAIR, "auto");
        return new HangingTransactionGuard(settings, registry, Clock.systemUTC());
    }

    @Test
    void aTransactionAbortedElsewhereIsAbortedOnTheStuckPartitionAndItReadsOn() throws Exception {
        TopicPartition stuck = new TopicPartition(Topics.ISSUED.name(), 1);
        HangingTransactionMaker.Made made = HangingTransactionMaker.make(KAFKA.bootstrapServers(), admin, ours(),
                new TopicPartition(Topics.REJECTED.name(), 1), stuck, false);
        assertThat(lastStableOffset(stuck)).as("the partition is stuck at the open transaction").isEqualTo(made.startOffset());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (HangingTransactionGuard guard = guard(registry)) {
            guard.scan();
            assertThat(guard.latest()).singleElement().satisfies(h -> {
                assertThat(h.topicPartition()).isEqualTo(stuck);
                assertThat(h.confirmed()).as("one look is not enough").isFalse();
            });
            assertThat(lastStableOffset(stuck)).isEqualTo(made.startOffset());
            Thread.sleep(400);
            guard.scan();
            assertThat(registry.counter("coupon.hanging.transaction.repairs", "result", "aborted").count()).isEqualTo(1.0);
            assertThat(guard.latest()).as("nothing left after the repair").isEmpty();
            assertThat(guard.health().check().ready()).isTrue();
        }
        assertThat(lastStableOffset(stuck)).isEqualTo(logEnd(stuck)).isGreaterThan(made.startOffset());
        String after = "after-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = KAFKA.producer(new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(stuck.topic(), stuck.partition(), "k", after)).get();
        }
        List<String> readable = KAFKA.readToEnd(stuck.topic(), new StringDeserializer(), new StringDeserializer(),
                Duration.ofSeconds(20)).stream().filter(r -> r.partition() == stuck.partition()).map(r -> r.value()).toList();
        assertThat(readable).as("the aborted record is invisible, a later one is read").contains(after).doesNotContain("hanging");
    }

    @Test
    void aTransactionCommittedElsewhereIsRefusedAndReportedWithTheRemedy() throws Exception {
        // On the issuer's input: it stops the issuer, so its readiness says so.
        TopicPartition stuck = new TopicPartition(Topics.APPLY_REQUESTS.name(), 2);
        HangingTransactionMaker.Made made = HangingTransactionMaker.make(KAFKA.bootstrapServers(), admin, ours(),
                new TopicPartition(Topics.REJECTED.name(), 2), stuck, true);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (HangingTransactionGuard guard = guard(registry)) {
            guard.scan();
            Thread.sleep(400);
            guard.scan();
            guard.scan();
            verifyRefused(guard, registry, stuck, made);
        } finally {
            // The operator's remedy, as the reason names it, frees the partition (and leaves the other tests a clean broker).
            admin.abortTransaction(new AbortTransactionSpec(stuck, made.producerId(), made.producerEpoch(), 0)).all().get();
        }
        assertThat(lastStableOffset(stuck)).isEqualTo(logEnd(stuck));
    }

    private static void verifyRefused(HangingTransactionGuard guard, SimpleMeterRegistry registry, TopicPartition stuck,
                                      HangingTransactionMaker.Made made) throws Exception {
        {
            assertThat(guard.latest()).singleElement().satisfies(h -> {
                assertThat(h.confirmed()).isTrue();
                assertThat(h.producerId()).isEqualTo(made.producerId());
                assertThat(h.startOffset()).isEqualTo(made.startOffset());
                assertThat(h.outcome().kind()).isEqualTo(TransactionOutcome.Ending.COMMITTED);
                assertThat(h.outcome().evidence()).contains("ONGOING", "PREPARE_COMMIT");
            });
            assertThat(registry.counter("coupon.hanging.transaction.repairs", "result", "refused").count())
                    .as("refused once, not at every scan").isEqualTo(1.0);
            assertThat(registry.counter("coupon.hanging.transaction.repairs", "result", "aborted").count()).isZero();
            HealthCheck.Result health = guard.health().check();
            assertThat(health.ready()).as("the issuer cannot read its input past it").isFalse();
            assertThat(health.reason()).contains(stuck.toString(), "from offset " + made.startOffset(),
                    "producer " + made.producerId(), "COMMITTED", "kafka-transactions.sh --bootstrap-server "
                            + KAFKA.bootstrapServers() + " abort --topic " + stuck.topic() + " --partition "
                            + stuck.partition() + " --start-offset " + made.startOffset());
        }
        assertThat(lastStableOffset(stuck)).as("still stuck: nothing was aborted").isEqualTo(made.startOffset());
        assertLagReportsIt(stuck, made);
    }

    /**
     * An integrator's producer on the issuer's input, and one of the issuer's own, each left a
     * transaction hanging on the same partition, both aborted everywhere else: the guard aborts its
     * own there (a marker ends only its own producer's transaction) and leaves the integrator's
     * open, named with the remedy, however many rounds it looks.
     */
    @Test
    void anotherApplicationsHangingTransactionIsReportedAndLeftOpen() throws Exception {
        TopicPartition stuck = new TopicPartition(Topics.APPLY_REQUESTS.name(), 1);
        TopicPartition tracked = new TopicPartition(Topics.REJECTED.name(), 0);
        String foreignId = "integrator-" + UUID.randomUUID();
        HangingTransactionMaker.Made own = HangingTransactionMaker.make(KAFKA.bootstrapServers(), admin, ours(), tracked,
                stuck, false);
        HangingTransactionMaker.Made foreign = HangingTransactionMaker.make(KAFKA.bootstrapServers(), admin, foreignId,
                tracked, stuck, false);
        assertThat(foreign.startOffset()).isGreaterThan(own.startOffset());
        assertThat(lastStableOffset(stuck)).isEqualTo(own.startOffset());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (HangingTransactionGuard guard = guard(registry)) {
            for (int round = 0; round < 5; round++) {
                guard.scan();
                Thread.sleep(400);
            }
            assertThat(registry.counter("coupon.hanging.transaction.repairs", "result", "aborted").count())
                    .as("ours only").isEqualTo(1.0);
            assertThat(registry.counter("coupon.hanging.transaction.repairs", "result", "not_ours").count())
                    .as("named once, not at every round").isEqualTo(1.0);
            assertThat(guard.latest()).singleElement().satisfies(h -> {
                assertThat(h.producerId()).isEqualTo(foreign.producerId());
                assertThat(h.startOffset()).isEqualTo(foreign.startOffset());
                assertThat(h.outcome().kind()).as("the log says aborted: only ownership keeps the guard off it")
                        .isEqualTo(TransactionOutcome.Ending.ABORTED);
                assertThat(h.ownership().kind()).isEqualTo(TransactionOwnership.Finding.FOREIGN);
                assertThat(h.safeToAbort()).isFalse();
            });
            HealthCheck.Result health = guard.health().check();
            assertThat(health.ready()).as("it still stops the issuer's input").isFalse();
            assertThat(health.reason()).contains(stuck + " from offset " + foreign.startOffset(),
                    "not repaired: transactional id " + foreignId + " is not this application's",
                    "after checking with its owner", "kafka-transactions.sh --bootstrap-server " + KAFKA.bootstrapServers()
                            + " abort --topic " + stuck.topic() + " --partition " + stuck.partition() + " --start-offset "
                            + foreign.startOffset());
            assertThat(lastStableOffset(stuck)).as("ours is aborted, the foreign one still open")
                    .isEqualTo(foreign.startOffset());
            assertThat(admin.describeProducers(List.of(stuck)).partitionResult(stuck).get().activeProducers())
                    .filteredOn(p -> p.currentTransactionStartOffset().isPresent())
                    .singleElement().satisfies(p -> {
                        assertThat(p.producerId()).isEqualTo(foreign.producerId());
                        assertThat(p.currentTransactionStartOffset().getAsLong()).isEqualTo(foreign.startOffset());
                    });
            JsonNode reported = lagReport().get("hangingTransactions");
            assertThat(reported).as(reported.toString()).hasSize(1);
            assertThat(reported.get(0).get("owner").asText()).isEqualTo("FOREIGN");
            assertThat(reported.get(0).get("outcome").asText()).isEqualTo("ABORTED");
            assertThat(reported.get(0).get("detail").asText()).contains("is not this application's", "kafka-transactions.sh");
        } finally {
            admin.abortTransaction(new AbortTransactionSpec(stuck, foreign.producerId(), foreign.producerEpoch(), 0)).all().get();
        }
        assertThat(lastStableOffset(stuck)).isEqualTo(logEnd(stuck));
    }

    @Test
    void aTransactionInProgressIsNotHanging() throws Exception {
        TopicPartition partition = new TopicPartition(Topics.ISSUED.name(), 0);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-live-" + UUID.randomUUID()), new StringSerializer(),
                new StringSerializer());
             HangingTransactionGuard guard = guard(new SimpleMeterRegistry())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), "k", "live")).get();
            assertThat(lastStableOffset(partition)).isLessThan(logEnd(partition));
            guard.scan();
            Thread.sleep(400);
            guard.scan();
            assertThat(guard.latest()).filteredOn(h -> h.topicPartition().equals(partition)).isEmpty();
            producer.commitTransaction();
        }
    }

    /** `lag` names the hanging transaction, marks the issuer's group (which reads the apply topic) HANGING and exits 1. */
    private static void assertLagReportsIt(TopicPartition stuck, HangingTransactionMaker.Made made) throws Exception {
        JsonNode report = lagReport();
        JsonNode hanging = report.get("hangingTransactions");
        assertThat(hanging).as(report.toString()).hasSize(1);
        assertThat(hanging.get(0).get("topic").asText()).isEqualTo(stuck.topic());
        assertThat(hanging.get(0).get("partition").asInt()).isEqualTo(stuck.partition());
        assertThat(hanging.get(0).get("producerId").asLong()).isEqualTo(made.producerId());
        assertThat(hanging.get(0).get("startOffset").asLong()).isEqualTo(made.startOffset());
        assertThat(hanging.get(0).get("confirmed").asBoolean()).isTrue();
        assertThat(hanging.get(0).get("outcome").asText()).isEqualTo("COMMITTED");
        assertThat(hanging.get(0).get("owner").asText()).isEqualTo("OURS");
        String issuerGroup = KAFKA.settings().get(Setting.COUPON_APPLICATION_ID);
        assertThat(hanging.get(0).get("groups").toString()).contains(issuerGroup);
        for (JsonNode group : report.get("groups")) {
            // The writer's status is whatever the other tests' records make it; only the issuer's is stopped here.
            if (group.get("group").asText().equals(issuerGroup)) {
                assertThat(group.get("status").asText()).as(group.toString()).isEqualTo("HANGING");
            } else {
                assertThat(group.get("status").asText()).as(group.toString()).isNotEqualTo("HANGING");
            }
        }
    }

    /** `lag --json`, which exits 1 while a confirmed hanging transaction stops a group. */
    private static JsonNode lagReport() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new LagCommand(KAFKA.settings(), Clock.systemUTC()));
        command.setOut(new PrintWriter(out));
        int exit = command.execute("--json", "--window", "1s", "--interval", "500ms");
        assertThat(exit).as(out.toString()).isEqualTo(1);
        return Json.MAPPER.readTree(out.toString());
    }

        private static long lastStableOffset(TopicPartition partition) throws Exception {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .partitionResult(partition).get().offset();
    }

    private static long logEnd(TopicPartition partition) throws Exception {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
                .partitionResult(partition).get().offset();
    }
}
