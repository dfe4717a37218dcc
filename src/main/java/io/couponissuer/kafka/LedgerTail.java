package io.couponissuer.kafka;

import io.couponissuer.config.Settings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tails the ledger ({@link Topics#LEDGER}: coupon.issued and coupon.rejected) from its ends as of
 * {@link #start()}, read_committed, so a decision counts once its transaction commits. No consumer
 * group: every tail sees every partition. Each batch goes to the listener with the moment it became
 * visible here, still as bytes: the gateway, the bench and the tests each parse only what they need
 * ({@link Topics#readDecisions}).
 */
public final class LedgerTail implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerTail.class);
    private static final Duration POLL = Duration.ofMillis(100);

    /** Called on the tail's own thread, one batch at a time. */
    @FunctionalInterface
    public interface Listener {
        void arrived(ConsumerRecords<String, byte[]> decisions, long visibleNanos);
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Listener listener;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean started;
    private volatile RuntimeException failure;

    /** @param clientId names this tail in the broker's logs and quotas */
    public LedgerTail(Settings settings, String clientId, Listener listener) {
        Map<String, Object> config = ClientConfigs.readCommittedConsumer(settings, null, clientId);
        // If a position ever falls off the log, the tail goes on from the end: it only serves what comes next.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.listener = listener;
        this.thread = new Thread(this::run, clientId);
        thread.setDaemon(true);
    }

    /**
     * Assigns every partition and fixes the start positions before returning, so nothing sent after
     * this call can be missed.
     */
    public LedgerTail start() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : Topics.LEDGER) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the lazy seek now
        started = true;
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> decisions = consumer.poll(POLL);
                if (!decisions.isEmpty()) {
                    listener.arrived(decisions, System.nanoTime());
                }
            }
        } catch (WakeupException e) {
            if (running) {
                failure = e;
            }
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("Ledger tail {} stopped", thread.getName(), e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Why the tail stopped before {@link #close()}, if it did. */
    public Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public void close() {
        running = false;
        if (!started) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
