package io.couponissuer;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.IssuerCommandSerde;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.testing.CouponCluster;
import io.couponissuer.testing.DecisionWatch;
import io.couponissuer.testing.TestDatabase;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long a hard-killed issuer takes to be back when its stores hold 1,000,000 decided users:
 * 1M applications to one cap-100 event go straight onto the apply topic, the issuer decides them
 * (100 issued, 999,900 SOLD_OUT, each remembered in the decisions store), then it is killed with
 * kill -9 and restarted twice: once on its own state directory, once on a wiped one. Under
 * exactly_once_v2 without transactional state stores, a crash leaves no checkpoint, so both restore
 * every store from its changelog. Manual (several minutes, ~1 GB of topic data):
 *
 * <pre>
 * mvn -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=IssuerRestoreTimeManualIT
 * </pre>
 */
class IssuerRestoreTimeManualIT {
    private static final int USERS = 1_000_000;
    private static final String EVENT = "restore";

    @Test
    void restoreOfAMillionDecidedUsersAfterKillNine() throws Exception {
        try (TestDatabase database = TestDatabase.create();
             CouponCluster cluster = new CouponCluster("restore", database, List.of("a"), 10_000)) {
            // Full JIT and a bigger heap: this measures throughput, not start-up.
            cluster.jvmOptions(List.of("-Xmx1g", "-XX:+UseSerialGC"));
            cluster.startBroker();
            cluster.startIssuer("a");
            Settings settings = Settings.from(Map.of(Setting.KAFKA_BOOTSTRAP_SERVERS.name(), cluster.bootstrapServers()));

            long produceStart = System.nanoTime();
            produceApplications(settings);
            say("produced 1 definition + %,d applications in %d ms", USERS, millisSince(produceStart));
            long decideStart = System.nanoTime();
            awaitAllDecided(settings, Duration.ofMinutes(10));
            say("issuer decided all %,d in %d ms", USERS, millisSince(decideStart));

            try (DecisionWatch watch = new DecisionWatch(cluster.bootstrapServers())) {
                measureRestart(cluster, settings, watch, false, "probe-same-dir");
                measureRestart(cluster, settings, watch, true, "probe-wiped-dir");
            }
        }
    }

    private static void measureRestart(CouponCluster cluster, Settings settings, DecisionWatch watch, boolean wipe,
                                       String probe) throws Exception {
        long killedAt = System.nanoTime();
        cluster.issuer("a").kill();
        if (wipe) {
            deleteRecursively(cluster.issuerStateDir("a"));
        }
        cluster.startIssuer("a");
        long runningMs = millisSince(killedAt);
        produce(settings, new ApplyRequest(probe, EVENT, probe, Instant.parse("2026-11-25T10:00:00Z")));
        long decidedAt = watch.awaitDecided(probe, Duration.ofMinutes(5));
        say("kill -9, %s, restart: RUNNING %d ms after the kill, deciding (probe %s) %d ms after the kill",
                wipe ? "state dir wiped" : "same state dir", runningMs, probe, (decidedAt - killedAt) / 1_000_000);
        String restoreLines;
        try (Stream<String> lines = Files.lines(cluster.issuer("a").log(), StandardCharsets.ISO_8859_1)) {
            List<String> all = lines.toList();
            int lastStart = 0;
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).startsWith("=== issuer-a: starting")) {
                    lastStart = i;
                }
            }
            restoreLines = String.join("\n", all.subList(lastStart, all.size()).stream()
                    .filter(line -> line.contains("Finished restoring changelog coupon-issuer-decisions")
                            || line.contains("Issuer streams") || line.contains("are corrupted and hence")).toList());
        }
        say("issuer log since the restart:%n%s", restoreLines);
        // The crash really cost a full restore: the decisions store came back from its changelog, every user of it.
        long restored = java.util.regex.Pattern.compile("decisions with a total number of (\\d+) records")
                .matcher(restoreLines).results().mapToLong(m -> Long.parseLong(m.group(1))).sum();
        assertThat(restored).isGreaterThanOrEqualTo(USERS);
        assertThat(Duration.ofNanos(decidedAt - killedAt)).isLessThan(Duration.ofSeconds(60));
    }

    private static void produceApplications(Settings settings) {
        Map<String, Object> config = ClientConfigs.producer(settings, "restore-load");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<String, IssuerCommand> producer = new KafkaProducer<>(config, new StringSerializer(),
                new IssuerCommandSerde())) {
            producer.send(new ProducerRecord<>(Topics.APPLY_REQUESTS.name(), EVENT, new EventDefinition(EVENT, 100, null, null)));
            Instant at = Instant.parse("2026-11-25T10:00:00Z");
            for (int i = 0; i < USERS; i++) {
                producer.send(new ProducerRecord<>(Topics.APPLY_REQUESTS.name(), EVENT,
                        new ApplyRequest("r" + i, EVENT, "u" + i, at)));
            }
            producer.flush();
        }
    }

    private static void produce(Settings settings, IssuerCommand command) {
        try (KafkaProducer<String, IssuerCommand> producer = new KafkaProducer<>(
                ClientConfigs.producer(settings, "restore-probe"), new StringSerializer(), new IssuerCommandSerde())) {
            producer.send(new ProducerRecord<>(Topics.APPLY_REQUESTS.name(), EVENT, command));
        }
    }

    /** Until the issuer's committed offset on the event's partition reaches the end of it. */
    private static void awaitAllDecided(Settings settings, Duration timeout) throws Exception {
        int partitions = 3;
        TopicPartition partition = new TopicPartition(Topics.APPLY_REQUESTS.name(),
                io.couponissuer.kafka.KeyPartition.of(EVENT, partitions));
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(ClientConfigs.admin(settings))) {
            long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(30, TimeUnit.SECONDS).offset();
            long lastReport = System.nanoTime();
            while (true) {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets("coupon-issuer")
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).get(partition);
                long at = committed == null ? 0 : committed.offset();
                if (at >= end) {
                    return;
                }
                assertThat(System.nanoTime()).as("issuer at offset %d of %d", at, end).isLessThan(deadline);
                if (System.nanoTime() - lastReport > 10_000_000_000L) {
                    say("  issuer at offset %,d of %,d", at, end);
                    lastReport = System.nanoTime();
                }
                Thread.sleep(500);
            }
        }
    }

    private static void deleteRecursively(Path dir) throws Exception {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void say(String format, Object... args) {
        System.out.printf("[restore] " + format + "%n", args);
    }
}
