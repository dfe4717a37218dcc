package io.couponissuer.testing;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
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
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                ClientConfigs.readCommittedConsumer(settings, null, "fault-check"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // For read_committed the end offset is the last stable offset: an open transaction holds it back.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), timeout) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to " + end + " within " + timeout);
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }
}
