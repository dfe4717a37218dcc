package io.couponissuer.testing;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.json.Json;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tails coupon.issued and coupon.rejected (read_committed) and notes when each decision became
 * visible, to time recoveries as a caller would see them: "deciding again" is the moment the first
 * decision of a request accepted after the fault is committed.
 */
public final class DecisionWatch implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Long> seenAtNanos = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closing;

    public DecisionWatch(String bootstrapServers) {
        Settings settings = Settings.from(Map.of(Setting.KAFKA_BOOTSTRAP_SERVERS.name(), bootstrapServers));
        this.consumer = new KafkaConsumer<>(ClientConfigs.readCommittedConsumer(settings, null, "decision-watch"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.ISSUED, Topics.REJECTED)) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        // Only what is decided from now on matters for timing.
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        this.thread = new Thread(this::run, "decision-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (!closing) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    requestIdOf(record).ifPresent(id -> seenAtNanos.putIfAbsent(id, System.nanoTime()));
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private static Optional<String> requestIdOf(ConsumerRecord<String, byte[]> record) {
        try {
            JsonNode value = Json.MAPPER.readTree(record.value());
            return Optional.ofNullable(value.path("requestId").textValue());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * For each event: how long after {@code faultNanos} the first decision of a request accepted after
     * the fault became visible (such a request cannot have been decided by a process the fault took).
     * Empty for an event when none has been decided yet.
     */
    public Map<String, Duration> firstDecisionAfter(long faultNanos, Collection<Burst.Accepted> accepted) {
        Map<String, Duration> first = new java.util.TreeMap<>();
        for (Burst.Accepted request : accepted) {
            Long seen = seenAtNanos.get(request.requestId());
            if (request.atNanos() > faultNanos && seen != null) {
                Duration after = Duration.ofNanos(seen - faultNanos);
                first.merge(request.eventId(), after, (a, b) -> a.compareTo(b) <= 0 ? a : b);
            }
        }
        return first;
    }

    /** Waits until every event has a decision of a request accepted after the fault; returns the slowest event's time. */
    public Duration awaitDecidingAgain(long faultNanos, Burst burst, Collection<String> events, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Duration> first = firstDecisionAfter(faultNanos, burst.accepted().values());
            if (first.keySet().containsAll(events)) {
                return first.values().stream().max(Duration::compareTo).orElseThrow();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not deciding again within " + timeout + " of the fault: events deciding "
                        + first + " of " + events + "; " + burst.summary());
            }
            Thread.sleep(50);
        }
    }

    /** Waits until the decision of {@code requestId} is visible; returns System.nanoTime() of that moment. */
    public long awaitDecided(String requestId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Long seen;
        while ((seen = seenAtNanos.get(requestId)) == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("request " + requestId + " not decided within " + timeout);
            }
            Thread.sleep(20);
        }
        return seen;
    }

    @Override
    public void close() throws InterruptedException {
        closing = true;
        consumer.wakeup();
        thread.join(5000);
    }
}
