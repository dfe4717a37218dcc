package io.couponissuer.tools.bench;

import io.couponissuer.config.Settings;
import io.couponissuer.json.Json;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.IssuerCommandSerde;
import io.couponissuer.kafka.ReadToEnd;
import io.couponissuer.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a run's events put on coupon.apply-requests, by step: the applications (keyed by eventId, or
 * by eventId/userId when spread), those the event's partition sent on to their user's partition
 * (rerouted), the claims stage 1 sent to the counter (stage 2's whole input besides definitions), the
 * outcome of each claim sent back to its partition, and the counter's notices (one record per
 * partition each). Read after the run, read_committed, from
 * the end offsets taken before it; records and bytes (key, value and headers as the broker stores
 * them) are the inputs of the per-decision arithmetic in the README.
 */
public record StageLoad(Count applications, Count rerouted, Count claims, long countedClaims, Count outcomes,
                        Count notices) {
    /** Records and their bytes. */
    public record Count(long records, long bytes) {
        Count plus(ConsumerRecord<String, byte[]> record) {
            long headers = 0;
            for (Header header : record.headers()) {
                headers += header.key().length() + (header.value() == null ? 0 : header.value().length);
            }
            return new Count(records + 1, bytes + Math.max(0, record.serializedKeySize())
                    + Math.max(0, record.serializedValueSize()) + headers);
        }
    }

    private static final Count NONE = new Count(0, 0);

    /** The end offsets of the apply topic now: where a run's records begin. */
    static Map<TopicPartition, Long> endOffsets(Settings settings) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(settings)) {
            List<TopicPartition> partitions = ReadToEnd.partitionsOf(consumer, Topics.APPLY_REQUESTS.name(),
                    Duration.ofSeconds(30));
            return consumer.endOffsets(partitions, Duration.ofSeconds(30));
        }
    }

    /** Counts the run's records from {@code from} to the end offsets as of this call. */
    static StageLoad read(Settings settings, RunPlan plan, Map<TopicPartition, Long> from, Duration timeout) {
        Count applications = NONE;
        Count rerouted = NONE;
        Count claims = NONE;
        Count notices = NONE;
        Count outcomes = NONE;
        long counted = 0;
        try (KafkaConsumer<String, byte[]> consumer = consumer(settings)) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            Map<TopicPartition, Long> end = consumer.endOffsets(from.keySet(), timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!ReadToEnd.reached(consumer, end) && System.nanoTime() - deadline < 0) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.key() == null || !record.key().startsWith(plan.runId()) || !ReadToEnd.before(record, end)) {
                        continue;
                    }
                    String type = IssuerCommandSerde.typeOf(record.headers());
                    if (type.equals(IssuerCommandSerde.TYPE_APPLY_BATCH)) {
                        applications = applications.plus(record); // records: one carries a whole batch
                    } else if (type.equals(IssuerCommandSerde.TYPE_APPLY)) {
                        if (plan.isOwnEvent(record.key()) && plan.spread()) {
                            rerouted = rerouted.plus(record); // keyed by the event, sent on by its partition
                        }
                        applications = applications.plus(record);
                    } else if (type.equals(IssuerCommandSerde.TYPE_CLAIM)) {
                        claims = claims.plus(record);
                        counted += counted(record.value()) ? 1 : 0;
                    } else if (type.equals(IssuerCommandSerde.TYPE_CLAIM_DECIDED)) {
                        outcomes = outcomes.plus(record);
                    } else if (!type.equals(IssuerCommandSerde.TYPE_DEFINITION)) {
                        notices = notices.plus(record);
                    }
                }
            }
        }
        // A rerouted application is on the topic twice; count it as one application.
        return new StageLoad(new Count(applications.records() - rerouted.records(), applications.bytes() - rerouted.bytes()),
                rerouted, claims, counted, outcomes, notices);
    }

    private static boolean counted(byte[] claim) {
        try {
            return Json.MAPPER.readTree(claim).path("counted").asBoolean();
        } catch (IOException e) {
            return false;
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(Settings settings) {
        Map<String, Object> config = ClientConfigs.readCommittedConsumer(settings, null, "coupon-bench-stages");
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
