package io.couponissuer.gateway;

import io.couponissuer.config.Settings;
import io.couponissuer.kafka.LedgerTail;
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
 * Lets a request wait for its decision ({@code ?waitMs=}): tails the ledger ({@link LedgerTail}) and
 * completes the future registered under the requestId with the client's answer. Every gateway
 * instance sees every decision, but parses only those for its own waiting clients: their applications
 * carry this waiter's {@link #id()} in the {@code coupon.awaited} header, which Kafka Streams carries
 * on to the decision. The rest cost a header comparison each.
 */
public final class DecisionWaiter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionWaiter.class);

    private final LedgerTail tail;
    private final Map<String, CompletableFuture<Answer>> waiting = new ConcurrentHashMap<>();
    private final byte[] id = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);

    public DecisionWaiter(Settings settings) {
        this.tail = new LedgerTail(settings, "coupon-gateway-decisions", this::arrived);
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
    public CompletableFuture<Answer> expect(String requestId) {
        return waiting.computeIfAbsent(requestId, id -> new CompletableFuture<>());
    }

    public void forget(String requestId) {
        waiting.remove(requestId);
    }

    private void arrived(ConsumerRecords<String, byte[]> decisions, long visibleNanos) {
        for (ConsumerRecord<String, byte[]> record : decisions) {
            if (waiting.isEmpty() || !awaitedHere(record)) {
                continue;
            }
            for (Answer answer : read(record)) {
                CompletableFuture<Answer> future = waiting.remove(answer.requestId());
                if (future != null) {
                    future.complete(answer);
                }
            }
        }
    }

    private boolean awaitedHere(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(IssuerCommandSerde.AWAITED_HEADER);
        return header != null && Arrays.equals(header.value(), id);
    }

    /** The answers to one decision, or to a batch's rejections (an awaited application of a producer that batches). */
    private static List<Answer> read(ConsumerRecord<String, byte[]> record) {
        try {
            return Topics.readDecisions(record).stream().map(Answer::of).toList();
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
