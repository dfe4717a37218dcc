package io.couponissuer.testing;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.ReadToEnd;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reads whole topics as a downstream reader sees them: read_committed (records of aborted
 * transactions, e.g. of a killed issuer, are not there), from the beginning to the end offsets of
 * the moment of the call.
 */
public final class CommittedTopics {
    private final Settings settings;

    public CommittedTopics(String bootstrapServers) {
        this(Settings.from(Map.of(Setting.KAFKA_BOOTSTRAP_SERVERS.name(), bootstrapServers)));
    }

    /** Reads as the client these settings make (bootstrap servers and KAFKA_CLIENT_PROPERTIES: a secured cluster's). */
    public CommittedTopics(Settings settings) {
        this.settings = settings;
    }

    public List<ConsumerRecord<String, byte[]>> readAll(String topic, Duration timeout) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                ClientConfigs.readCommittedConsumer(settings, null, "fault-check"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            return wholeTopic(consumer, topic, timeout);
        }
    }

    /** Every record of the topic, from its beginning to its end offsets as of this call. */
    public static <K, V> List<ConsumerRecord<K, V>> wholeTopic(Consumer<K, V> consumer, String topic, Duration timeout) {
        return ReadToEnd.fromBeginning(consumer, ReadToEnd.partitionsOf(consumer, topic, timeout), timeout);
    }
}
