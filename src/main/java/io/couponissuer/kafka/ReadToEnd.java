package io.couponissuer.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reading partitions up to the end offsets of one moment: what a topic held then, not what keeps
 * arriving. For a read_committed consumer the end offset is the last stable offset, so an open
 * transaction holds the end back and its records are not read. Used by replay, the transaction
 * state log reader and the tests' topic readers.
 */
public final class ReadToEnd {
    private static final Duration POLL = Duration.ofMillis(100);

    private ReadToEnd() {
    }

    /** Every partition of the topic. */
    public static List<TopicPartition> partitionsOf(Consumer<?, ?> consumer, String topic, Duration timeout) {
        return consumer.partitionsFor(topic, timeout).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
    }

    /** True once the consumer's position in every partition has reached its end offset. */
    public static boolean reached(Consumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey()) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Whether the record lies before the end offset of its partition. */
    public static boolean before(ConsumerRecord<?, ?> record, Map<TopicPartition, Long> end) {
        Long endOffset = end.get(new TopicPartition(record.topic(), record.partition()));
        return endOffset != null && record.offset() < endOffset;
    }

    /** Assigns the partitions and reads each from its beginning to its end offset as of this call. */
    public static <K, V> List<ConsumerRecord<K, V>> fromBeginning(Consumer<K, V> consumer,
                                                                  Collection<TopicPartition> partitions,
                                                                  Duration timeout) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(consumer, end)) {
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException("could not read " + partitions + " to their end offsets " + end
                        + " within " + timeout + "; read " + records.size() + " records");
            }
            for (ConsumerRecord<K, V> record : consumer.poll(POLL)) {
                if (before(record, end)) {
                    records.add(record);
                }
            }
        }
        return records;
    }
}
