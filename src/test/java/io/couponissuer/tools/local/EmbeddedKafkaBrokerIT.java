package io.couponissuer.tools.local;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.TopicSetup;
import io.couponissuer.kafka.Topics;
import io.couponissuer.testing.KafkaBrokerExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded broker is a real Kafka: topics as defined, transactions, restarts that keep data, fresh starts. */
class EmbeddedKafkaBrokerIT {
    private static final int PARTITIONS = 2;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(PARTITIONS);

    @Test
    void createsEveryTopicWithItsPartitionsAndConfigs() throws Exception {
        Set<String> names = Set.of(Topics.APPLY_REQUESTS.name(), Topics.EVENTS.name(), Topics.ISSUED.name(), Topics.REJECTED.name(), Topics.FAILED.name());
        try (Admin admin = KAFKA.admin()) {
            Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(topics).containsOnlyKeys(names);
            assertThat(topics.values()).allSatisfy(topic -> assertThat(topic.partitions()).hasSize(PARTITIONS));

            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(
                    topicResource(Topics.EVENTS.name()), topicResource(Topics.FAILED.name()), topicResource(Topics.APPLY_REQUESTS.name())))
                    .all().get(30, TimeUnit.SECONDS);
            assertThat(value(configs, Topics.EVENTS.name(), TopicConfig.CLEANUP_POLICY_CONFIG)).isEqualTo("compact");
            assertThat(value(configs, Topics.FAILED.name(), TopicConfig.MAX_MESSAGE_BYTES_CONFIG)).isEqualTo(String.valueOf(4 * 1024 * 1024));
            assertThat(value(configs, Topics.APPLY_REQUESTS.name(), TopicConfig.MAX_MESSAGE_BYTES_CONFIG)).isEqualTo(String.valueOf(64 * 1024));
            assertThat(value(configs, Topics.APPLY_REQUESTS.name(), TopicConfig.CLEANUP_POLICY_CONFIG)).isEqualTo("delete");
        }
        // Idempotent: running it again against the same cluster creates nothing and does not fail.
        assertThat(new TopicSetup(KAFKA.settings()).createAll()).isEmpty();
        // Nor does a different partition count: existing topics are kept as they are (with a warning).
        assertThat(new TopicSetup(KAFKA.settings().with(Setting.COUPON_TOPIC_PARTITIONS, PARTITIONS + 3)).createAll()).isEmpty();
        try (Admin admin = KAFKA.admin()) {
            assertThat(admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).values())
                    .allSatisfy(topic -> assertThat(topic.partitions()).hasSize(PARTITIONS));
        }
    }

    @Test
    void readCommittedSeesCommittedTransactionsAndNotAbortedOnes() throws Exception {
        Map<String, Object> config = ClientConfigs.producer(KAFKA.settings(), "tx-test");
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-test-" + UUID.randomUUID());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(Topics.ISSUED.name(), "e", "committed-1"));
            producer.send(new ProducerRecord<>(Topics.ISSUED.name(), "e", "committed-2"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(Topics.ISSUED.name(), "e", "aborted-1"));
            producer.send(new ProducerRecord<>(Topics.ISSUED.name(), "e", "aborted-2"));
            producer.flush(); // the aborted records really reach the log before the abort
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(Topics.ISSUED.name(), "e", "committed-3"));
            producer.commitTransaction();
        }

        assertThat(values(KAFKA.readToEnd(Topics.ISSUED.name(), new StringDeserializer(), new StringDeserializer(), TIMEOUT)))
                .containsExactly("committed-1", "committed-2", "committed-3");
        // The aborted records are in the log: a read_uncommitted reader sees them, so the filter above is real.
        assertThat(readUncommitted(Topics.ISSUED.name(), 5)).containsExactly(
                "committed-1", "committed-2", "aborted-1", "aborted-2", "committed-3");
    }

    @Test
    void restartOnTheSameDirectoryKeepsTopicsAndRecords() throws Exception {
        try (KafkaProducer<String, String> producer = KAFKA.producer(new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(Topics.REJECTED.name(), "e" + i, "before-restart-" + i)).get();
            }
        }
        EmbeddedKafkaBroker broker = KAFKA.broker();
        String address = broker.bootstrapServers();

        broker.stop();
        assertThat(listening(broker.port())).as("anything on the stopped broker's port").isFalse();
        assertThatThrownBy(() -> describeCluster(Duration.ofSeconds(2))).isInstanceOf(TimeoutException.class);
        broker.start();

        assertThat(broker.bootstrapServers()).isEqualTo(address);
        assertThat(describeCluster(TIMEOUT)).isEqualTo(1);
        assertThat(values(KAFKA.readToEnd(Topics.REJECTED.name(), new StringDeserializer(), new StringDeserializer(), TIMEOUT)))
                .hasSize(10).allMatch(value -> value.startsWith("before-restart-"));
        // And the restarted broker takes writes again.
        try (KafkaProducer<String, String> producer = KAFKA.producer(new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.REJECTED.name(), "e", "after-restart")).get(30, TimeUnit.SECONDS);
        }
        assertThat(KAFKA.readAll(Topics.REJECTED.name(), new StringDeserializer(), new StringDeserializer(), 11, TIMEOUT)).hasSize(11);
    }

    @Test
    void aNewBrokerOnTheSameDirectoryKeepsTheDataUnlessFresh() throws Exception {
        Path dir = Path.of("target", "it-kafka", "fresh-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        Settings settings = Settings.from(Map.of())
                .with(Setting.COUPON_BROKER_DIR, dir)
                .with(Setting.COUPON_BROKER_PORT, 0)
                .with(Setting.COUPON_BROKER_CONTROLLER_PORT, 0);
        String topic = "kept-" + UUID.randomUUID();

        BrokerConfig.SingleNode firstConfig = BrokerConfig.SingleNode.of(settings, true);
        try (EmbeddedKafkaBroker first = new EmbeddedKafkaBroker(firstConfig)) {
            first.start();
            try (Admin admin = admin(first)) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
        }
        Settings samePorts = settings.with(Setting.COUPON_BROKER_PORT, firstConfig.port())
                .with(Setting.COUPON_BROKER_CONTROLLER_PORT, firstConfig.controllerPort());

        try (EmbeddedKafkaBroker second = new EmbeddedKafkaBroker(BrokerConfig.SingleNode.of(samePorts, false))) {
            second.start();
            try (Admin admin = admin(second)) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
            }
        }
        try (EmbeddedKafkaBroker wiped = new EmbeddedKafkaBroker(BrokerConfig.SingleNode.of(samePorts, true))) {
            wiped.start();
            try (Admin admin = admin(wiped)) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(topic);
            }
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(BrokerConfig.HOST, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Admin admin(EmbeddedKafkaBroker broker) {
        return Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
    }

    private static int describeCluster(Duration timeout) throws Exception {
        Admin admin = KAFKA.admin();
        try {
            return admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
        } finally {
            admin.close(Duration.ZERO); // a plain close would wait a minute for the call to a stopped broker
        }
    }

    private static List<String> readUncommitted(String topic, int count) {
        Map<String, Object> config = ClientConfigs.readCommittedConsumer(KAFKA.settings(), null, "uncommitted-reader");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(record -> values.add(record.value()));
            }
        }
        return values;
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }

    private static ConfigResource topicResource(String topic) {
        return new ConfigResource(ConfigResource.Type.TOPIC, topic);
    }

    private static String value(Map<ConfigResource, Config> configs, String topic, String key) {
        return configs.get(topicResource(topic)).get(key).value();
    }
}
