package io.couponissuer.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * "Nothing wedges": every partition of every topic, Kafka's internal ones included, has its last
 * stable offset at its end once the load has stopped, i.e. no transaction stays open anywhere.
 */
public final class StableOffsets {
    private StableOffsets() {
    }

    /** Waits until every partition's last stable offset equals its high watermark; returns how long that took. */
    public static Duration awaitEverywhere(String bootstrapServers, Duration timeout) throws Exception {
        return awaitEverywhere(io.couponissuer.config.Settings.from(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers)), timeout);
    }

    /** As the client these settings make: on a secured cluster, a super user's (it reads every partition's offsets). */
    public static Duration awaitEverywhere(io.couponissuer.config.Settings client, Duration timeout) throws Exception {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        try (Admin admin = Admin.create(io.couponissuer.kafka.ClientConfigs.admin(client))) {
            Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS);
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
            Set<TopicPartition> partitions = described.values().stream()
                    .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                    .collect(Collectors.toSet());
            Map<TopicPartition, String> behind = Map.of();
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, Long> stable = offsets(admin, partitions, IsolationLevel.READ_COMMITTED);
                Map<TopicPartition, Long> end = offsets(admin, partitions, IsolationLevel.READ_UNCOMMITTED);
                behind = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
                for (TopicPartition partition : partitions) {
                    if (!stable.get(partition).equals(end.get(partition))) {
                        behind.put(partition, "LSO " + stable.get(partition) + " < end " + end.get(partition));
                    }
                }
                if (behind.isEmpty()) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
                Thread.sleep(500);
            }
            throw new AssertionError("transactions still open after " + timeout + " on " + behind.size() + " of "
                    + partitions.size() + " partitions: " + behind);
        }
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, Set<TopicPartition> partitions, IsolationLevel isolation)
            throws Exception {
        ListOffsetsResult result = admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(),
                p -> OffsetSpec.latest())), new ListOffsetsOptions(isolation));
        return result.all().get(30, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
}
