package io.couponissuer.ops.lag;

import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.KeyPartition;
import io.couponissuer.kafka.ReadToEnd;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.EventDefinition;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which partition of coupon.apply-requests holds each spread event's counter (stage 2): the
 * partition its eventId hashes to. The stage-1 work of a spread event is on every partition; its
 * stage 2 is on that one, so its lag there is the counter's backlog. Learnt from coupon.events (the
 * definitions the issuer took, compacted), read on from where the last call stopped. Not thread-safe:
 * the sampler thread uses it.
 */
public final class SpreadEventPartitions implements AutoCloseable {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaConsumer<String, byte[]> consumer;
    private final TreeSet<String> spread = new TreeSet<>();
    private boolean assigned;

    public SpreadEventPartitions(Settings settings) {
        this.consumer = new KafkaConsumer<>(ClientConfigs.readCommittedConsumer(settings, null, "coupon-lag-events"),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Spread event ids by the apply-topic partition of their counter, for a topic of this many partitions. */
    public Map<Integer, List<String>> counters(int partitions) {
        readNewDefinitions();
        Map<Integer, List<String>> byPartition = new TreeMap<>();
        for (String eventId : spread) {
            byPartition.computeIfAbsent(KeyPartition.of(eventId, partitions), p -> new ArrayList<>()).add(eventId);
        }
        return byPartition;
    }

    private void readNewDefinitions() {
        if (!assigned) {
            List<TopicPartition> all = ReadToEnd.partitionsOf(consumer, Topics.EVENTS.name(), READ_TIMEOUT);
            consumer.assign(all);
            consumer.seekToBeginning(all);
            assigned = true;
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), READ_TIMEOUT);
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (!ReadToEnd.reached(consumer, end) && System.nanoTime() - deadline < 0) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                if (record.value() == null) {
                    spread.remove(record.key());
                    continue;
                }
                try {
                    if (Topics.EVENTS.read(record).isSpread()) {
                        spread.add(record.key());
                    }
                } catch (RuntimeException unreadable) {
                    // not a definition this version can read: it shows no counter
                }
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
