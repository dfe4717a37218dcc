package io.couponissuer.gateway;

import io.couponissuer.config.Settings;
import io.couponissuer.kafka.AnswerTail;
import io.couponissuer.kafka.IssuerCommandSerde;
import io.couponissuer.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets a request wait for its decision ({@code ?waitMs=}): tails the answer topics
 * ({@link AnswerTail}) and completes the future registered under the requestId. Every gateway
 * instance sees every answer, but parses only those to its own waiting clients: their applications
 * carry this waiter's {@link #id()} in the {@code coupon.awaited} header, which Kafka Streams carries
 * on to the answer. The rest cost a header comparison each.
 */
public final class DecisionWaiter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionWaiter.class);

    private final AnswerTail tail;
    private final Map<String, CompletableFuture<DecisionView>> waiting = new ConcurrentHashMap<>();
    private final byte[] id = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);

    public DecisionWaiter(Settings settings) {
        this.tail = new AnswerTail(settings, "coupon-gateway-decisions", this::arrived);
    }

    /** Fixes the start position before any request can register. */
    public void start() {
        tail.start();
    }

    /** This gateway's mark on the applications its clients wait for (header coupon.awaited). */
    public byte[] id() {
        return id.clone();
    }

    /** Register before sending, so a fast decision cannot slip past. */
    public CompletableFuture<DecisionView> expect(String requestId) {
        return waiting.computeIfAbsent(requestId, id -> new CompletableFuture<>());
    }

    public void forget(String requestId) {
        waiting.remove(requestId);
    }

    private void arrived(ConsumerRecords<String, byte[]> answers, long visibleNanos) {
        for (ConsumerRecord<String, byte[]> record : answers) {
            if (waiting.isEmpty() || !awaitedHere(record)) {
                continue;
            }
            for (DecisionView decision : read(record)) {
                CompletableFuture<DecisionView> future = waiting.remove(decision.requestId());
                if (future != null) {
                    future.complete(decision);
                }
            }
        }
    }

    private boolean awaitedHere(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(IssuerCommandSerde.AWAITED_HEADER);
        return header != null && Arrays.equals(header.value(), id);
    }

    /** One decision, or a batch's rejections (an awaited application of a producer that batches). */
    private static List<DecisionView> read(ConsumerRecord<String, byte[]> record) {
        try {
            return Topics.readAnswers(record).stream().map(DecisionView::of).toList();
        } catch (RuntimeException e) {
            LOG.warn("Skipping unreadable decision {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return List.of();
        }
    }

    @Override
    public void close() {
        tail.close();
    }
}
