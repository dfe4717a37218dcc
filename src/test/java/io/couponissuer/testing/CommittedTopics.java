package io.couponissuer.testing;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.ReadToEnd;
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
        this.settings = Settings.from(Map.of(Setting.KAFKA_BOOTSTRAP_SERVERS.name(), bootstrapServers));
    }

    public List<ConsumerRecord<String, byte[]>> readAll(String topic, Duration timeout) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                ClientConfigs.readCommittedConsumer(settings, null, "fault-check"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            return ReadToEnd.wholeTopic(consumer, topic, timeout);
        }
    }
}
