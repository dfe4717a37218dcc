package io.couponissuer.gateway;

import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.JsonSerde;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.Rejection;
import io.couponissuer.kafka.IssuerCommandSerde;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.header.Header;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets a request wait for its decision ({@code ?waitMs=}): reads every partition of coupon.issued
 * and coupon.rejected from the end, read_committed (a decision counts once its transaction commits),
 * and completes the future registered under the requestId. No consumer group: every gateway
 * instance sees every record, but parses only the answers to its own waiting clients: their
 * applications carry this waiter's {@link #id()} in the {@code coupon.awaited} header, which Kafka
 * Streams carries on to the answer. The rest cost a header comparison each.
 */
public final class DecisionWaiter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionWaiter.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, CompletableFuture<DecisionView>> waiting = new ConcurrentHashMap<>();
    private final JsonSerde<CouponIssued> issuedSerde = new JsonSerde<>(CouponIssued.class);
    private final JsonSerde<Rejection> rejectedSerde = new JsonSerde<>(Rejection.class);
    private final Thread thread;
    private volatile boolean running = true;
    private final byte[] id = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);

    public DecisionWaiter(Settings settings) {
        Map<String, Object> config = ClientConfigs.readCommittedConsumer(settings, null, "coupon-gateway-decisions");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "decision-waiter");
        thread.setDaemon(true);
    }

    /** Assigns every partition and fixes the start position before any request can register. */
    public void start() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.ISSUED, Topics.REJECTED)) {
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the lazy seek now
        thread.start();
    }

    /** This gateway's mark on the applications its clients wait for (header coupon.awaited). */
    public byte[] id() {
        return id.clone();
    }

    private boolean awaitedHere(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(IssuerCommandSerde.AWAITED_HEADER);
        return header != null && Arrays.equals(header.value(), id);
    }

    /** Register before sending, so a fast decision cannot slip past. */
    public CompletableFuture<DecisionView> expect(String requestId) {
        return waiting.computeIfAbsent(requestId, id -> new CompletableFuture<>());
    }

    public void forget(String requestId) {
        waiting.remove(requestId);
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (waiting.isEmpty() || !awaitedHere(record)) {
                        continue;
                    }
                    DecisionView decision = read(record);
                    if (decision != null) {
                        CompletableFuture<DecisionView> future = waiting.remove(decision.requestId());
                        if (future != null) {
                            future.complete(decision);
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("Decision waiter stopped; ?waitMs requests will answer PENDING", e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private DecisionView read(ConsumerRecord<String, byte[]> record) {
        try {
            return record.topic().equals(Topics.ISSUED)
                    ? DecisionView.of(issuedSerde.deserialize(record.topic(), record.value()))
                    : DecisionView.of(rejectedSerde.deserialize(record.topic(), record.value()));
        } catch (RuntimeException e) {
            LOG.warn("Skipping unreadable decision {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return null;
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
