package io.couponissuer.ops.lag;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.tools.local.cluster.FreePort;
import io.couponissuer.json.Json;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.Topics;
import io.couponissuer.testing.KafkaBrokerExtension;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `lag` against a real broker: the figures are Kafka's own (Admin committed and end offsets, what
 * kafka-consumer-groups --describe prints), a group that read everything of a transactional topic
 * shows lag 0 although its committed offset sits before the commit marker, and the exit code gates.
 */
class LagCommandIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(3);

    private static final String ISSUER_GROUP = "it-issuer";
    private static final String WRITER_GROUP = "it-writer";
    private static final String POSITION_GROUP = "it-position";
    private static final TopicPartition ISSUED_0 = new TopicPartition(Topics.ISSUED.name(), 0);
    private static final TopicPartition ISSUED_1 = new TopicPartition(Topics.ISSUED.name(), 1);
    private static final TopicPartition APPLY_0 = new TopicPartition(Topics.APPLY_REQUESTS.name(), 0);

    private static Settings settings;

    @BeforeAll
    static void produceAndCommit() throws Exception {
        settings = KAFKA.settings().with(Setting.COUPON_APPLICATION_ID, ISSUER_GROUP)
                .with(Setting.COUPON_WRITER_GROUP_ID, WRITER_GROUP);
        Map<String, Object> config = ClientConfigs.producer(settings, "it-tx");
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-tx");
        try (KafkaProducer<String, String> tx = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            tx.initTransactions();
            // issued-0: 5 committed records (0-4), commit marker 5, 2 aborted records (6, 7), abort marker 8
            transaction(tx, ISSUED_0, 5, true);
            transaction(tx, ISSUED_0, 2, false);
            // issued-1: 3 committed records (0-2), commit marker 3
            transaction(tx, ISSUED_1, 3, true);
        }
        try (KafkaProducer<String, String> plain = KAFKA.producer(new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                plain.send(new ProducerRecord<>(APPLY_0.topic(), APPLY_0.partition(), "e", "r" + i)).get();
            }
        }
        // The writer's way: after storing, commit "last record + 1" of every record read.
        List<ConsumerRecord<String, String>> issued0 = readAll(ISSUED_0, 5);
        commit(WRITER_GROUP, Map.of(ISSUED_0, issued0.get(issued0.size() - 1).offset() + 1, ISSUED_1, 1L));
        commit(ISSUER_GROUP, Map.of(APPLY_0, 4L));
    }

    private static void transaction(KafkaProducer<String, String> tx, TopicPartition partition, int records, boolean commit) {
        tx.beginTransaction();
        for (int i = 0; i < records; i++) {
            tx.send(new ProducerRecord<>(partition.topic(), partition.partition(), "e", "v" + i));
        }
        if (commit) {
            tx.commitTransaction();
        } else {
            tx.flush();
            tx.abortTransaction();
        }
    }

    private static List<ConsumerRecord<String, String>> readAll(TopicPartition partition, int expected) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                ClientConfigs.readCommittedConsumer(settings, null, "it-read"), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            assertThat(records).hasSize(expected);
            return records;
        }
    }

    private static void commit(String group, Map<TopicPartition, Long> offsets) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> metadata = new HashMap<>();
        offsets.forEach((partition, offset) -> metadata.put(partition, new OffsetAndMetadata(offset)));
        try (Admin admin = KAFKA.admin()) {
            admin.alterConsumerGroupOffsets(group, metadata).all().get();
        }
    }

    private record Run(int exitCode, String out) {
    }

    private static Run lag(Settings settings, String... args) {
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new LagCommand(settings, Clock.systemUTC()));
        command.setOut(new PrintWriter(out));
        int exit = command.execute(args);
        return new Run(exit, out.toString());
    }

    private static JsonNode partition(JsonNode report, String group, TopicPartition partition) {
        for (JsonNode g : report.get("groups")) {
            if (g.get("group").asText().equals(group)) {
                for (JsonNode p : g.get("partitions")) {
                    if (p.get("topic").asText().equals(partition.topic()) && p.get("partition").asInt() == partition.partition()) {
                        return p;
                    }
                }
            }
        }
        throw new AssertionError("no " + group + " " + partition + " in " + report);
    }

    private static JsonNode group(JsonNode report, String group) {
        for (JsonNode g : report.get("groups")) {
            if (g.get("group").asText().equals(group)) {
                return g;
            }
        }
        throw new AssertionError("no " + group + " in " + report);
    }

    @Test
    void figuresAreThoseOfTheAdminApiAndMarkersAreNotLag() throws Exception {
        Run run = lag(settings, "--json", "--window", "500ms", "--interval", "200ms", "--fail-on", "ERR");
        assertThat(run.exitCode()).as(run.out()).isZero();
        JsonNode report = Json.MAPPER.readTree(run.out());

        try (Admin admin = KAFKA.admin()) {
            for (String group : List.of(ISSUER_GROUP, WRITER_GROUP)) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (JsonNode p : group(report, group).get("partitions")) {
                    latest.put(new TopicPartition(p.get("topic").asText(), p.get("partition").asInt()), OffsetSpec.latest());
                }
                var ends = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
                assertThat(latest).as("every partition of the group's topic").hasSize(3);
                for (TopicPartition tp : latest.keySet()) {
                    JsonNode p = partition(report, group, tp);
                    assertThat(p.get("end").asLong()).as("end of %s", tp).isEqualTo(ends.get(tp).offset());
                    OffsetAndMetadata offset = committed.get(tp);
                    if (offset == null) {
                        assertThat(p.has("committed")).as("%s has no commit", tp).isFalse();
                    } else {
                        assertThat(p.get("committed").asLong()).as("committed of %s", tp).isEqualTo(offset.offset());
                        // kafka-consumer-groups' LAG column
                        assertThat(p.get("offsetLag").asLong()).isEqualTo(ends.get(tp).offset() - offset.offset());
                    }
                }
            }
        }
        // The LSO of issued-0 is past the abort marker; the writer sits right after its last record.
        assertThat(partition(report, WRITER_GROUP, ISSUED_0).get("end").asLong()).isEqualTo(9);
        assertThat(partition(report, WRITER_GROUP, ISSUED_0).get("committed").asLong()).isEqualTo(5);
        assertThat(partition(report, WRITER_GROUP, ISSUED_0).get("offsetLag").asLong()).isEqualTo(4);
        assertThat(partition(report, WRITER_GROUP, ISSUED_0).get("lag").asLong()).as("only markers and aborted records").isZero();
        assertThat(partition(report, WRITER_GROUP, ISSUED_0).get("lagSeconds").asDouble()).isZero();
        // issued-1: records 1 and 2 unread, then the marker
        assertThat(partition(report, WRITER_GROUP, ISSUED_1).get("offsetLag").asLong()).isEqualTo(3);
        assertThat(partition(report, WRITER_GROUP, ISSUED_1).get("lag").asLong()).isEqualTo(2);
        assertThat(group(report, WRITER_GROUP).get("lag").asLong()).isEqualTo(2);
        assertThat(partition(report, ISSUER_GROUP, APPLY_0).get("lag").asLong()).isEqualTo(6);
        assertThat(partition(report, ISSUER_GROUP, APPLY_0).get("lagSeconds").asDouble()).isPositive();
    }

    @Test
    void aConsumerThatCommitsItsPositionAfterReadingEverythingIsCaughtUp() throws Exception {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                ClientConfigs.readCommittedConsumer(settings, POSITION_GROUP, "it-position"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(ISSUED_0));
            consumer.seekToBeginning(List.of(ISSUED_0));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (consumer.position(ISSUED_0) < 9 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100));
            }
            consumer.commitSync();
        }
        Settings positionSettings = settings.with(Setting.COUPON_WRITER_GROUP_ID, POSITION_GROUP);
        Run run = lag(positionSettings, "--json", "--window", "0ms", "--interval", "100ms");
        JsonNode p = partition(Json.MAPPER.readTree(run.out()), POSITION_GROUP, ISSUED_0);
        // Checked here: a read_committed consumer's position moves past the trailing markers, to the LSO.
        assertThat(p.get("committed").asLong()).isEqualTo(9);
        assertThat(p.get("lag").asLong()).isZero();
    }

    @Test
    void groupsWhoseCommittedOffsetDoesNotMoveWhileTheyLagStopAndFailTheGate() throws Exception {
        Run run = lag(settings, "--window", "1s", "--interval", "250ms");
        assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
        assertThat(run.out()).containsPattern(ISSUER_GROUP + " +STOP: lag 6 records")
                .containsPattern(WRITER_GROUP + " +STOP: lag 2 records");
        assertThat(lag(settings, "--window", "1s", "--interval", "250ms", "--fail-on", "ERR").exitCode()).isZero();
    }

    @Test
    void caughtUpGroupsAreOkAndPassTheStrictestGate() throws Exception {
        Settings caughtUp = settings.with(Setting.COUPON_APPLICATION_ID, "it-issuer-done")
                .with(Setting.COUPON_WRITER_GROUP_ID, "it-writer-done");
        commit("it-issuer-done", Map.of(APPLY_0, 10L));
        commit("it-writer-done", Map.of(ISSUED_0, 5L, ISSUED_1, 3L)); // both right before a marker
        Run run = lag(caughtUp, "--json", "--window", "600ms", "--interval", "200ms", "--fail-on", "WARN");
        assertThat(run.exitCode()).as(run.out()).isZero();
        JsonNode report = Json.MAPPER.readTree(run.out());
        assertThat(group(report, "it-writer-done").get("status").asText()).isEqualTo("OK");
        assertThat(group(report, "it-writer-done").get("lag").asLong()).isZero();
        assertThat(group(report, "it-issuer-done").get("status").asText()).isEqualTo("OK");
    }

    @Test
    void anUnreachableKafkaIsErr() throws Exception {
        int deadPort = FreePort.next(); // nothing listens there
        Settings unreachable = settings.with(Setting.KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:" + deadPort);
        Run run = lag(unreachable, "--window", "0ms", "--interval", "10ms", "--timeout", "1s", "--fail-on", "ERR");
        assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
        // The reason is the Admin client's own timeout or ours, whichever fires first.
        assertThat(run.out()).containsPattern(ISSUER_GROUP + " +ERR: .*(Timeout|no answer)")
                .containsPattern(WRITER_GROUP + " +ERR: .*(Timeout|no answer)");
    }
}
