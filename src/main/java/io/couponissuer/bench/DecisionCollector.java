package io.couponissuer.bench;

import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.JsonSerde;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.Rejection;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads coupon.issued and coupon.rejected read_committed from their ends as of {@link #start()}
 * (before the run sends anything) and keeps every decision of the run's events with the time it
 * became visible: what any downstream reader could see, and when.
 */
final class DecisionCollector implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final RunPlan plan;
    private final JsonSerde<CouponIssued> issuedSerde = new JsonSerde<>(CouponIssued.class);
    private final JsonSerde<Rejection> rejectedSerde = new JsonSerde<>(Rejection.class);
    private final List<ObservedDecision> decisions = new ArrayList<>();
    private final Set<String> decidedRequestIds = ConcurrentHashMap.newKeySet();
    private final Thread thread = new Thread(this::pollUntilClosed, "bench-decisions");
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    DecisionCollector(Settings settings, RunPlan plan) {
        Map<String, Object> config = ClientConfigs.readCommittedConsumer(settings, null, "coupon-bench-decisions");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.plan = plan;
    }

    /** Fixes the start positions now, so no decision of the run can come before them. */
    DecisionCollector start() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.ISSUED, Topics.REJECTED)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        thread.start();
        return this;
    }

    private void pollUntilClosed() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(50));
                long visible = System.nanoTime();
                List<ObservedDecision> batch = new ArrayList<>(records.count());
                for (ConsumerRecord<String, byte[]> record : records) {
                    // Other runs and other users of the broker: skip them before paying for the JSON.
                    if (plan.isOwnEvent(record.key())) {
                        batch.add(read(record, visible));
                    }
                }
                synchronized (decisions) {
                    decisions.addAll(batch);
                }
                batch.forEach(d -> decidedRequestIds.add(d.requestId()));
            }
        } catch (WakeupException e) {
            // close() ends the loop
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private ObservedDecision read(ConsumerRecord<String, byte[]> record, long visible) {
        if (record.topic().equals(Topics.ISSUED)) {
            CouponIssued coupon = issuedSerde.deserialize(record.topic(), record.value());
            return new ObservedDecision(coupon.requestId(), coupon.eventId(), coupon.userId(), true,
                    coupon.couponId(), coupon.seq(), null, visible);
        }
        Rejection rejection = rejectedSerde.deserialize(record.topic(), record.value());
        return new ObservedDecision(rejection.requestId(), rejection.eventId(), rejection.userId(), false, null, 0,
                rejection.reason().name(), visible);
    }

    /** Waits until every given request has a decision; returns how many are still undecided at the deadline. */
    int awaitDecided(Collection<String> requestIds, long deadlineNanos) throws InterruptedException {
        List<String> remaining = new ArrayList<>(requestIds);
        while (true) {
            remaining.removeIf(decidedRequestIds::contains);
            if (remaining.isEmpty() || System.nanoTime() > deadlineNanos) {
                return remaining.size();
            }
            if (failure != null) {
                throw new IllegalStateException("decision reader failed", failure);
            }
            Thread.sleep(20);
        }
    }

    List<ObservedDecision> decisions() {
        synchronized (decisions) {
            return List.copyOf(decisions);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
    }
}
