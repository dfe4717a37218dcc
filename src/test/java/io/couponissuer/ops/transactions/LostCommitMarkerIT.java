package io.couponissuer.ops.transactions;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.Topics;
import io.couponissuer.testing.HangingTransactionMaker;
import io.couponissuer.testing.JoiningBroker;
import io.couponissuer.tools.local.BrokerConfig;
import io.couponissuer.tools.local.EmbeddedKafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka 4.4.0 loses a COMMIT marker when a partition of the transaction has no leader at the moment
 * the coordinator sends its markers (KAFKA-20734): {@code KRaftMetadataCache#getPartitionLeaderEndpoint}
 * answers "no such partition" for a leaderless one, {@code TransactionMarkerChannelManager} takes the
 * partition for deleted, drops it from the transaction and writes CompleteCommit. When the partition
 * comes back it holds an open transaction that nobody will ever end. This is the mechanism behind the
 * whole-machine crash in README "Failures" (a one-node cluster's partitions are leaderless for a
 * moment while the restarted node re-registers), reproduced here deterministically with two brokers:
 * node 1 (controller, transaction coordinator, the partitions that stay) and node 2 (the partition
 * that loses its leader), for both shapes captured on `dev`: an output partition, and the
 * {@code __consumer_offsets} partition that holds the issuer's transactional offset commit. Then the
 * hanging-transaction guard proves from {@code __transaction_state} that the coordinator decided
 * COMMIT and delivers the lost marker.
 */
class LostCommitMarkerIT {
    private static Settings first;
    private static EmbeddedKafkaBroker node1;
    private static EmbeddedKafkaBroker node2;
    private static Admin admin;

    @BeforeAll
    static void twoBrokers() throws Exception {
        String name = "LostCommitMarkerIT-" + UUID.randomUUID().toString().substring(0, 8);
        first = Settings.fromEnvironment()
                .with(Setting.COUPON_BROKER_DIR, Path.of("target", "it-kafka", name, "node1").toAbsolutePath())
                .with(Setting.COUPON_BROKER_PORT, 0).with(Setting.COUPON_BROKER_CONTROLLER_PORT, 0);
        BrokerConfig.SingleNode node1Config = BrokerConfig.SingleNode.of(first, true);
        node1 = new EmbeddedKafkaBroker(node1Config);
        node1.start();
        first = first.with(Setting.KAFKA_BOOTSTRAP_SERVERS, node1.bootstrapServers());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node1.bootstrapServers()));
        try (KafkaProducer<String, String> warmUp = producer("warm-up")) {
            warmUp.initTransactions(); // __transaction_state exists now, all of it on node 1
        }
        node2 = new EmbeddedKafkaBroker(JoiningBroker.of(node1Config, 2, Path.of("target", "it-kafka", name, "node2")));
        node2.start();
        // Named like the system's topics, so the guard watches them; one partition each, placed by hand.
        admin.createTopics(List.of(new NewTopic(Topics.REJECTED.name(), Map.of(0, List.of(1))),
                new NewTopic(Topics.APPLY_REQUESTS.name(), Map.of(0, List.of(1))),
                new NewTopic(Topics.ISSUED.name(), Map.of(0, List.of(2))))).all().get();
        admin.listConsumerGroupOffsets("create-the-offsets-topic").partitionsToOffsetAndMetadata().get();
    }

    @AfterAll
    static void stop() {
        admin.close();
        node2.close();
        node1.close();
    }

    @Test
    void anOutputPartitionWithoutLeaderAtCommitIsLeftHangingAndTheGuardCommitsIt() throws Exception {
        TopicPartition stays = new TopicPartition(Topics.REJECTED.name(), 0);
        TopicPartition loses = new TopicPartition(Topics.ISSUED.name(), 0);
        // The issuer's own producer's id: the guard repairs only those.
        String transactionalId = HangingTransactionMaker.streamsTransactionalId(first.get(Setting.COUPON_APPLICATION_ID));
        try (KafkaProducer<String, String> producer = producer(transactionalId)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(stays.topic(), stays.partition(), "k", "v")).get();
            producer.send(new ProducerRecord<>(loses.topic(), loses.partition(), "k", "v")).get();
            commitWhileNode2IsDown(producer, transactionalId);
        }
        ProducerState state = admin.describeProducers(List.of(loses)).partitionResult(loses).get().activeProducers().get(0);
        System.out.println("producer state on " + loses + " after node 2 is back: " + state);
        assertThat(state.currentTransactionStartOffset()).as("an open transaction nobody ends").isPresent();
        assertThat(offset(loses, IsolationLevel.READ_COMMITTED)).isLessThan(offset(loses, IsolationLevel.READ_UNCOMMITTED));
        printEvidence(transactionalId, node2, loses, node1, stays);

        repairWithTheGuard(first, loses);

        assertThat(offset(loses, IsolationLevel.READ_COMMITTED)).isEqualTo(offset(loses, IsolationLevel.READ_UNCOMMITTED));
        assertThat(readCommitted(loses)).as("the committed record is visible, as on its other partition").containsExactly("v");
    }

    @Test
    void theOffsetsPartitionWithoutLeaderAtCommitIsLeftHangingAndTheGuardCommitsIt() throws Exception {
        TopicPartition stays = new TopicPartition(Topics.REJECTED.name(), 0);
        TopicPartition input = new TopicPartition(Topics.APPLY_REQUESTS.name(), 0);
        String group = groupWhoseOffsetsLiveOnNode2();
        TopicPartition offsets = new TopicPartition("__consumer_offsets", offsetsPartition(group));
        String transactionalId = HangingTransactionMaker.streamsTransactionalId(group); // the group is the application.id
        try (KafkaProducer<String, String> producer = producer(transactionalId)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(stays.topic(), stays.partition(), "k", "decided")).get();
            producer.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(42)), new ConsumerGroupMetadata(group));
            commitWhileNode2IsDown(producer, transactionalId);
        }
        ProducerState state = admin.describeProducers(List.of(offsets)).partitionResult(offsets).get()
                .activeProducers().stream().filter(p -> p.currentTransactionStartOffset().isPresent()).findFirst().orElseThrow();
        System.out.println("producer state on " + offsets + " after node 2 is back: " + state);
        assertThat(committedOffset(group, input)).as("a stable fetch of the group's offsets is refused while it hangs")
                .isEqualTo("UNSTABLE");
        printEvidence(transactionalId, node2, offsets, node1, stays);

        repairWithTheGuard(first.with(Setting.COUPON_APPLICATION_ID, group), offsets);

        assertThat(committedOffset(group, input)).as("the offset the transaction committed").isEqualTo("42");
    }

    private static void commitWhileNode2IsDown(KafkaProducer<String, String> producer, String transactionalId)
            throws Exception {
        node2.stop(); // its partitions have no leader now
        producer.commitTransaction();
        TransactionDescription description = describe(transactionalId);
        for (int i = 0; i < 100 && !description.state().toString().equals("CompleteCommit"); i++) {
            Thread.sleep(100); // the markers to node 1 are on their way
            description = describe(transactionalId);
        }
        System.out.println("coordinator after the commit: " + description);
        assertThat(description.state().toString()).isEqualTo("CompleteCommit");
        node2.start();
    }

    /**
     * The evidence, as Kafka's own kafka-dump-log prints it: the stuck partition (data, no marker),
     * the transaction's other partition (data and COMMIT marker) and the transactional id's history
     * in __transaction_state (Ongoing with both partitions, PrepareCommit, CompleteCommit).
     */
    private static void printEvidence(String transactionalId, EmbeddedKafkaBroker stuckNode, TopicPartition stuck,
                                      EmbeddedKafkaBroker otherNode, TopicPartition other) throws Exception {
        System.out.println("=== evidence: " + stuck + " (stuck) on node " + (stuckNode == node2 ? 2 : 1));
        dump(segment(stuckNode, stuck), stuck.topic().equals("__consumer_offsets") ? "--offsets-decoder" : "--print-data-log");
        System.out.println("=== evidence: " + other + " (same transaction)");
        dump(segment(otherNode, other), "--print-data-log");
        int logPartition = TransactionStateLog.partitionFor(transactionalId, offsetsCount("__transaction_state"));
        System.out.println("=== evidence: __transaction_state-" + logPartition + " for " + transactionalId);
        dump(segment(node1, new TopicPartition("__transaction_state", logPartition)), "--transaction-log-decoder");
    }

    private static Path segment(EmbeddedKafkaBroker node, TopicPartition partition) {
        return node.logDir().resolve(partition.toString()).resolve("00000000000000000000.log");
    }

    private static void dump(Path segment, String decoder) throws Exception {
        org.apache.kafka.tools.DumpLogSegments.main(new String[] {"--files", segment.toString(), "--print-data-log", decoder});
    }

    private static int offsetsCount(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    }

    private static void repairWithTheGuard(Settings settings, TopicPartition stuck) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (HangingTransactionGuard guard = new HangingTransactionGuard(
                settings.with(Setting.COUPON_HANGING_TXN_CHECK_MS, 300), registry, Clock.systemUTC())) {
            guard.scan();
            assertThat(guard.latest()).as("found at once, confirmed on the next look")
                    .filteredOn(h -> h.topicPartition().equals(stuck)).hasSize(1);
            Thread.sleep(400);
            guard.scan();
            assertThat(registry.counter("coupon.hanging.transaction.repairs", "result", "committed").count()).isEqualTo(1.0);
            assertThat(registry.counter("coupon.hanging.transaction.repairs", "result", "aborted").count()).isZero();
            assertThat(guard.latest()).filteredOn(h -> h.topicPartition().equals(stuck)).isEmpty();
        }
    }

    /** A group id whose __consumer_offsets partition node 2 leads, so that it loses its leader with node 2. */
    private static String groupWhoseOffsetsLiveOnNode2() throws Exception {
        var partitions = admin.describeTopics(List.of("__consumer_offsets")).allTopicNames().get()
                .get("__consumer_offsets").partitions();
        for (int i = 0; i < 1000; i++) {
            String group = "lost-marker-group-" + i;
            if (partitions.get(offsetsPartition(group)).leader().id() == 2) {
                return group;
            }
        }
        throw new AssertionError("no __consumer_offsets partition on node 2: " + partitions);
    }

    private static int offsetsPartition(String group) throws Exception {
        int count = admin.describeTopics(List.of("__consumer_offsets")).allTopicNames().get()
                .get("__consumer_offsets").partitions().size();
        return Utils.abs(group.hashCode()) % count;
    }

    /**
     * The group's committed offset as its own read_committed consumer fetches it (the fetch Kafka
     * Streams makes before it processes): UNSTABLE when it does not get an answer because a
     * transactional commit is still open there (the broker answers UNSTABLE_OFFSET_COMMIT and the
     * consumer retries until the timeout).
     */
    private static String committedOffset(String group, TopicPartition partition) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node1.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            OffsetAndMetadata committed = consumer.committed(java.util.Set.of(partition), Duration.ofSeconds(5)).get(partition);
            return committed == null ? "none" : String.valueOf(committed.offset());
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return "UNSTABLE";
        }
    }

    private static KafkaProducer<String, String> producer(String transactionalId) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, node1.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId), new StringSerializer(), new StringSerializer());
    }

    private static List<String> readCommitted(TopicPartition partition) {
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node1.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            reader.assign(List.of(partition));
            reader.seekToBeginning(List.of(partition));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                reader.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            return values;
        }
    }

    private static TransactionDescription describe(String transactionalId) throws Exception {
        return admin.describeTransactions(List.of(transactionalId)).all().get().get(transactionalId);
    }

    private static long offset(TopicPartition partition, IsolationLevel isolation) throws Exception {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(isolation))
                .partitionResult(partition).get().offset();
    }
}
