package io.couponissuer.testing;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.TopicSetup;
import io.couponissuer.tools.local.BrokerConfig;
import io.couponissuer.tools.local.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real Kafka broker for one test class, with the system's topics created:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();   // or new KafkaBrokerExtension(1)
 *
 * Settings settings = KAFKA.settings();          // KAFKA_BOOTSTRAP_SERVERS etc. point at the broker
 * List&lt;ConsumerRecord&lt;String, String&gt;&gt; issued =
 *         KAFKA.readAll(Topics.ISSUED.name(), new StringDeserializer(), new StringDeserializer(), 100, Duration.ofSeconds(30));
 * KAFKA.broker().stop(); KAFKA.broker().start();   // fault tests: same address, same data
 * </pre>
 *
 * The broker starts fresh on free ports under {@code target/it-kafka/<class>-<random>} before the
 * first test of the class and stops after the last (nested classes share it). Readers are
 * read_committed, like every downstream reader of the system.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {
    private final int partitions;
    private final Map<String, String> brokerOverrides;
    private EmbeddedKafkaBroker broker;
    private Settings settings;
    private String startedBy;

    /** Topics with 3 partitions. */
    public KafkaBrokerExtension() {
        this(3);
    }

    public KafkaBrokerExtension(int partitions) {
        this(partitions, Map.of());
    }

    /** @param brokerOverrides broker properties that differ from the embedded broker's */
    public KafkaBrokerExtension(int partitions, Map<String, String> brokerOverrides) {
        this.partitions = partitions;
        this.brokerOverrides = Map.copyOf(brokerOverrides);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (broker != null) {
            return; // a @Nested class: the outer class's broker is already up
        }
        String name = context.getRequiredTestClass().getSimpleName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        Settings brokerSettings = Settings.fromEnvironment()
                .with(Setting.COUPON_BROKER_DIR, Path.of("target", "it-kafka", name).toAbsolutePath())
                .with(Setting.COUPON_BROKER_PORT, 0)
                .with(Setting.COUPON_BROKER_CONTROLLER_PORT, 0)
                .with(Setting.COUPON_TOPIC_PARTITIONS, partitions)
                .with(Setting.COUPON_REPLICATION_FACTOR, 1)
                .with(Setting.COUPON_MIN_INSYNC_REPLICAS, 1);
        broker = new EmbeddedKafkaBroker(BrokerConfig.SingleNode.of(brokerSettings, true, brokerOverrides));
        broker.start();
        startedBy = context.getUniqueId();
        settings = brokerSettings.with(Setting.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
        new TopicSetup(settings).createAll();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null && context.getUniqueId().equals(startedBy)) {
            broker.close();
            broker = null;
        }
    }

    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /** Settings from the environment with every Kafka setting pointing at this broker and its topics. */
    public Settings settings() {
        broker();
        return settings;
    }

    /** The broker itself, to stop and start it in fault tests. */
    public EmbeddedKafkaBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("the Kafka broker is not running: register the extension on a static field");
        }
        return broker;
    }

    public Admin admin() {
        return Admin.create(ClientConfigs.admin(settings()));
    }

    /** The sum of a topic's end offsets: how many records it has taken so far (a test compares two of them). */
    public long endOffsetSum(String topic) throws Exception {
        try (Admin admin = admin()) {
            var partitions = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                    .collect(java.util.stream.Collectors.toMap(
                            p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()),
                            p -> org.apache.kafka.clients.admin.OffsetSpec.latest()));
            return admin.listOffsets(partitions).all().get().values().stream().mapToLong(info -> info.offset()).sum();
        }
    }

    /** An acks=all, idempotent producer; the caller closes it. */
    public <K, V> KafkaProducer<K, V> producer(Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        return new KafkaProducer<>(ClientConfigs.producer(settings(), "it-producer"), keySerializer, valueSerializer);
    }

    /**
     * Reads the committed records of every partition of a topic from the beginning until {@code count}
     * have arrived or {@code timeout} has passed, and returns what it read: assert on its size. Also
     * returns any records beyond {@code count} that came in the same poll.
     */
    public <K, V> List<ConsumerRecord<K, V>> readAll(String topic, Deserializer<K> keyDeserializer,
                                                     Deserializer<V> valueDeserializer, int count, Duration timeout) {
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<K, V> consumer = assignedFromStart(topic, keyDeserializer, valueDeserializer)) {
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    /**
     * Reads every record of a topic committed so far: up to the end offsets as a read_committed
     * reader sees them when the call starts. For "exactly N, not one more" assertions, once the
     * producers are done.
     */
    public <K, V> List<ConsumerRecord<K, V>> readToEnd(String topic, Deserializer<K> keyDeserializer,
                                                       Deserializer<V> valueDeserializer, Duration timeout) {
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(
                ClientConfigs.readCommittedConsumer(settings(), null, "it-reader"), keyDeserializer, valueDeserializer)) {
            return CommittedTopics.wholeTopic(consumer, topic, timeout);
        }
    }

    private <K, V> KafkaConsumer<K, V> assignedFromStart(String topic, Deserializer<K> keyDeserializer,
                                                        Deserializer<V> valueDeserializer) {
        KafkaConsumer<K, V> consumer = new KafkaConsumer<>(
                ClientConfigs.readCommittedConsumer(settings(), null, "it-reader"), keyDeserializer, valueDeserializer);
        List<TopicPartition> partitionsOfTopic = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitionsOfTopic);
        consumer.seekToBeginning(partitionsOfTopic);
        return consumer;
    }
}
