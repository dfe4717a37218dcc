package io.couponissuer.tools.bench;

import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.ReadToEnd;
import io.couponissuer.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Waits until the issuer has taken the run's definitions: each is on coupon.events, read_committed.
 * The issuer writes it there in the transaction that also tells every partition of a spread event
 * its claim window, so an application sent after this is behind that notice in its partition and is
 * counted against the window; sent before, it would reach the counter uncounted (right, but it is
 * stage-2 load a real sale, defined well before it opens, does not have). Starts reading at the end
 * offsets taken before the definitions were sent.
 */
final class DefinitionsInEffect implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;

    /** Marks where the run's definitions will begin on coupon.events; call before sending them. */
    DefinitionsInEffect(Settings settings) {
        this.consumer = new KafkaConsumer<>(ClientConfigs.readCommittedConsumer(settings, null, "coupon-bench-definitions"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = ReadToEnd.partitionsOf(consumer, Topics.EVENTS.name(), Duration.ofSeconds(30));
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        end.forEach(consumer::seek);
    }

    void await(List<String> eventIds, Duration timeout) {
        Set<String> missing = new HashSet<>(eventIds);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!missing.isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the issuer did not take the definitions of " + missing + " within " + timeout);
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                missing.remove(record.key());
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
