package io.couponissuer.bench;

import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.JsonSerde;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.Decision;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads coupon.issued and coupon.rejected read_committed from their ends as of {@link #start()}
 * (before the run sends anything) and keeps every decision of the run's events with the time it
 * became visible: what any downstream reader could see, and when.
 *
 * <p>During the run it only keeps the bytes: parsing each decision's JSON as it arrives took a
 * fifth of a core on this 2-core machine, CPU that the measured system then lacked. The JSON is
 * read once the expected number of decisions is in, or at the end.
 */
final class DecisionCollector implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final RunPlan plan;
    private final JsonSerde<CouponIssued> issuedSerde = new JsonSerde<>(CouponIssued.class);
    private final JsonSerde<Rejection> rejectedSerde = new JsonSerde<>(Rejection.class);
    /** Guarded by itself: filled by the poll thread, parsed into {@link #decisions} by the caller. */
    private final List<Unread> unread = new ArrayList<>();
    private final List<ObservedDecision> decisions = new ArrayList<>();
    private final Set<String> decidedRequestIds = new HashSet<>();
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
                List<Unread> batch = new ArrayList<>(records.count());
                for (ConsumerRecord<String, byte[]> record : records) {
                    // Other runs and other users of the broker are not this run's decisions.
                    if (plan.isOwnEvent(record.key())) {
                        batch.add(new Unread(record, visible));
                    }
                }
                synchronized (unread) {
                    unread.addAll(batch);
                }
            }
        } catch (WakeupException e) {
            // close() ends the loop
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private record Unread(ConsumerRecord<String, byte[]> record, long visibleNanos) {
    }

    /** Parses what arrived since the last call. Only the caller's thread touches the parsed side. */
    private void readArrived() {
        List<Unread> arrived;
        synchronized (unread) {
            arrived = new ArrayList<>(unread);
            unread.clear();
        }
        for (Unread u : arrived) {
            ObservedDecision decision = read(u.record(), u.visibleNanos());
            decisions.add(decision);
            decidedRequestIds.add(decision.requestId());
        }
    }

    private ObservedDecision read(ConsumerRecord<String, byte[]> record, long visible) {
        if (record.topic().equals(Topics.ISSUED)) {
            CouponIssued coupon = issuedSerde.deserialize(record.topic(), record.value());
            return new ObservedDecision(coupon.requestId(), coupon.eventId(), coupon.userId(), true,
                    coupon.couponId(), coupon.seq(), null, null, null, visible);
        }
        Rejection rejection = rejectedSerde.deserialize(record.topic(), record.value());
        Decision first = rejection.firstDecision();
        return new ObservedDecision(rejection.requestId(), rejection.eventId(), rejection.userId(), false, null, 0,
                rejection.reason().name(), first == null ? null : first.status().name(),
                first == null ? null : first.requestId(), visible);
    }

    /** Waits until every given request has a decision; returns how many are still undecided at the deadline. */
    int awaitDecided(Collection<String> requestIds, long deadlineNanos) throws InterruptedException {
        List<String> remaining = new ArrayList<>(requestIds);
        while (true) {
            boolean deadlinePassed = System.nanoTime() > deadlineNanos;
            if (deadlinePassed || arrivedCount() >= remaining.size()) {
                readArrived();
                remaining.removeIf(decidedRequestIds::contains);
                if (remaining.isEmpty() || deadlinePassed) {
                    return remaining.size();
                }
            }
            if (failure != null) {
                throw new IllegalStateException("decision reader failed", failure);
            }
            Thread.sleep(20);
        }
    }

    /** Decisions received and not yet parsed: once they cover what is missing, parsing is worth it. */
    private int arrivedCount() {
        synchronized (unread) {
            return unread.size();
        }
    }

    /** Every decision seen so far; call after {@link #close()} for the complete list. */
    List<ObservedDecision> decisions() {
        readArrived();
        return List.copyOf(decisions);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
    }
}
