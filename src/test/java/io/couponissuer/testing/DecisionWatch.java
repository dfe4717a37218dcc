package io.couponissuer.testing;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.LedgerTail;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.Decision;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.Rejection;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.SerializationException;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tails the ledger ({@link LedgerTail}) and notes when each decision became visible, to time
 * recoveries as a caller would see them: "deciding again" is the moment the first decision of a
 * request accepted after the fault is committed, an issuer's or a gateway's at the edge
 * (docs/architecture.md#answers-at-the-edge) other than a holder's DUPLICATE: a gateway answers a
 * sold-out event itself, but a holder's DUPLICATE whatever the issuers do, so it shows nothing of them.
 */
public final class DecisionWatch implements AutoCloseable {
    private final Map<String, Long> seenAtNanos = new ConcurrentHashMap<>();
    private final Map<String, Long> issuersSeenAtNanos = new ConcurrentHashMap<>();
    private final LedgerTail tail;

    /** Starts watching now: only what is decided from now on matters for timing. */
    public DecisionWatch(String bootstrapServers) {
        this(Settings.from(Map.of(Setting.KAFKA_BOOTSTRAP_SERVERS.name(), bootstrapServers)));
    }

    /** Watches as the client these settings make (a secured cluster's bootstrap servers and client properties). */
    public DecisionWatch(Settings settings) {
        this.tail = new LedgerTail(settings, "decision-watch", this::arrived).start();
    }

    private void arrived(ConsumerRecords<String, byte[]> decisions, long visibleNanos) {
        for (ConsumerRecord<String, byte[]> record : decisions) {
            boolean atEdge = record.headers().lastHeader(Topics.DECIDED_BY_HEADER) != null;
            try {
                for (Decision decision : Topics.readDecisions(record)) {
                    if (!atEdge) {
                        issuersSeenAtNanos.putIfAbsent(decision.requestId(), visibleNanos);
                    }
                    if (!atEdge || !(decision instanceof Rejection rejection && rejection.reason() == RejectReason.DUPLICATE)) {
                        seenAtNanos.putIfAbsent(decision.requestId(), visibleNanos);
                    }
                }
            } catch (SerializationException e) {
                // not a decision of ours: nothing to time
            }
        }
    }

    /**
     * For each event: how long after {@code faultNanos} the first decision (as above) of a request
     * accepted after the fault became visible (such a request cannot have been decided by a process
     * the fault took). Empty for an event when none has been decided yet.
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

    /** Waits until an issuer's decision of {@code requestId} is visible; returns System.nanoTime() of that moment. */
    public long awaitDecided(String requestId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Long seen;
        while ((seen = issuersSeenAtNanos.get(requestId)) == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("request " + requestId + " not decided within " + timeout);
            }
            Thread.sleep(20);
        }
        return seen;
    }

    @Override
    public void close() {
        tail.close();
    }
}
