package io.couponissuer.ops.transactions;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.dev.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import io.couponissuer.kafka.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;

import java.nio.file.Path;
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
 * whole-machine crash in README "Failures" (a one-node cluster's partitions are leaderless for a moment
 * while the restarted node re-registers), reproduced here deterministically with two brokers.
 */
class LostCommitMarkerIT {

    @Test
    void aCommitWhileAPartitionHasNoLeaderLeavesItHanging() throws Exception {
        String name = "LostCommitMarkerIT-" + UUID.randomUUID().toString().substring(0, 8);
        Settings first = Settings.fromEnvironment()
                .with(Setting.COUPON_BROKER_DIR, Path.of("target", "it-kafka", name, "node1").toAbsolutePath())
                .with(Setting.COUPON_BROKER_PORT, 0).with(Setting.COUPON_BROKER_CONTROLLER_PORT, 0);
        Settings second = first.with(Setting.COUPON_BROKER_DIR, Path.of("target", "it-kafka", name, "node2").toAbsolutePath());
        try (EmbeddedKafkaBroker node1 = new EmbeddedKafkaBroker(first, true)) {
            node1.start();
            String bootstrap = node1.bootstrapServers();
            Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "lost-marker-" + UUID.randomUUID());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
                 KafkaProducer<String, String> warmUp = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                         bootstrap, ProducerConfig.TRANSACTIONAL_ID_CONFIG, "warm-up"), new StringSerializer(),
                         new StringSerializer())) {
                warmUp.initTransactions(); // __transaction_state now exists, all on node 1
                try (EmbeddedKafkaBroker node2 = new EmbeddedKafkaBroker(second, node1, 2, Map.of())) {
                    node2.start();
                    // Named like the issuer's outputs, so the hanging-transaction guard watches them.
                    admin.createTopics(List.of(new NewTopic(Topics.REJECTED, Map.of(0, List.of(1))),
                            new NewTopic(Topics.ISSUED, Map.of(0, List.of(2))))).all().get();
                    TopicPartition stays = new TopicPartition(Topics.REJECTED, 0);
                    TopicPartition loses = new TopicPartition(Topics.ISSUED, 0);
                    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig,
                            new StringSerializer(), new StringSerializer())) {
                        producer.initTransactions();
                        producer.beginTransaction();
                        producer.send(new ProducerRecord<>(stays.topic(), stays.partition(), "k", "v")).get();
                        producer.send(new ProducerRecord<>(loses.topic(), loses.partition(), "k", "v")).get();
                        node2.stop(); // on-node-2-0 has no leader now
                        producer.commitTransaction();
                        String transactionalId = (String) producerConfig.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
                        TransactionDescription description = describe(admin, transactionalId);
                        for (int i = 0; i < 100 && !description.state().toString().equals("CompleteCommit"); i++) {
                            Thread.sleep(100); // the marker to on-node-1 is on its way
                            description = describe(admin, transactionalId);
                        }
                        System.out.println("coordinator after the commit: " + description);
                        node2.start();
                        ProducerState state = admin.describeProducers(List.of(loses)).partitionResult(loses).get()
                                .activeProducers().get(0);
                        System.out.println("producer state on " + loses + " after node 2 is back: " + state);
                        System.out.println("last stable offset " + offset(admin, loses, IsolationLevel.READ_COMMITTED)
                                + ", log end " + offset(admin, loses, IsolationLevel.READ_UNCOMMITTED));
                        assertThat(description.state().toString()).isEqualTo("CompleteCommit");
                        assertThat(state.currentTransactionStartOffset()).as("open transaction nobody ends").isPresent();
                        assertThat(offset(admin, loses, IsolationLevel.READ_COMMITTED)).isZero();

                        // The guard proves from __transaction_state that the coordinator decided COMMIT with this
                        // partition in the transaction, and delivers the lost marker.
                        SimpleMeterRegistry registry = new SimpleMeterRegistry();
                        try (HangingTransactionGuard guard = new HangingTransactionGuard(first
                                .with(Setting.KAFKA_BOOTSTRAP_SERVERS, bootstrap)
                                .with(Setting.COUPON_HANGING_TXN_CHECK_MS, 300), registry, Clock.systemUTC())) {
                            guard.scan();
                            Thread.sleep(400);
                            guard.scan();
                            assertThat(registry.counter("coupon.hanging.transaction.repairs", "result", "committed").count())
                                    .isEqualTo(1.0);
                            assertThat(guard.latest()).isEmpty();
                        }
                        assertThat(offset(admin, loses, IsolationLevel.READ_COMMITTED))
                                .isEqualTo(offset(admin, loses, IsolationLevel.READ_UNCOMMITTED));
                        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                                new StringDeserializer(), new StringDeserializer())) {
                            reader.assign(List.of(loses));
                            reader.seekToBeginning(List.of(loses));
                            List<String> values = new java.util.ArrayList<>();
                            long deadline = System.nanoTime() + 10_000_000_000L;
                            while (values.isEmpty() && System.nanoTime() < deadline) {
                                reader.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                            }
                            assertThat(values).as("the committed record is visible, as on its other partition")
                                    .containsExactly("v");
                        }
                    }
                }
            }
        }
    }

    private static TransactionDescription describe(Admin admin, String transactionalId) throws Exception {
        return admin.describeTransactions(List.of(transactionalId)).all().get().get(transactionalId);
    }

    private static long offset(Admin admin, TopicPartition partition, IsolationLevel isolation) throws Exception {
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(isolation))
                .partitionResult(partition).get().offset();
    }
}
