package io.couponissuer.tools.bench;

import io.couponissuer.config.Settings;
import io.couponissuer.kafka.LedgerTail;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.Decision;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.StandingDecision;
import io.couponissuer.message.Rejection;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Tails the ledger ({@link LedgerTail}) from {@link #start()} (before the run sends
 * anything) and keeps every decision of the run's events with the time it
 * became visible: what any downstream reader could see, and when.
 *
 * <p>During the run it only keeps the bytes: parsing each decision's JSON as it arrives took a
 * fifth of a core on this 2-core machine, CPU that the measured system then lacked. The JSON is
 * read once the expected number of decisions is in, or once they stop coming (a record of a batch's
 * rejections holds many, and which many is only known by reading it), or at the end.
 */
final class DecisionCollector implements AutoCloseable {
    private final LedgerTail tail;
    private final RunPlan plan;
    /** Guarded by itself: filled by the tail's thread, parsed into {@link #decisions} by the caller. */
    private final List<Unread> unread = new ArrayList<>();
    private final List<ObservedDecision> decisions = new ArrayList<>();
    private final Set<String> decidedRequestIds = new HashSet<>();
    /** When the tail last handed over records of this run (System.nanoTime()). */
    private volatile long lastArrivalNanos;

    DecisionCollector(Settings settings, RunPlan plan) {
        this.tail = new LedgerTail(settings, "coupon-bench-decisions", this::arrived);
        this.plan = plan;
    }

    /** Fixes the start positions now, so no decision of the run can come before them. */
    DecisionCollector start() {
        tail.start();
        return this;
    }

    private void arrived(ConsumerRecords<String, byte[]> answers, long visibleNanos) {
        List<Unread> batch = new ArrayList<>(answers.count());
        for (ConsumerRecord<String, byte[]> record : answers) {
            // Other runs and other users of the broker are not this run's decisions.
            if (plan.isOwnEvent(record.key())) {
                batch.add(new Unread(record, visibleNanos));
            }
        }
        synchronized (unread) {
            unread.addAll(batch);
        }
        if (!batch.isEmpty()) {
            lastArrivalNanos = visibleNanos;
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
            boolean atEdge = u.record().headers().lastHeader(Topics.DECIDED_BY_HEADER) != null;
            for (Decision answer : Topics.readDecisions(u.record())) {
                ObservedDecision decision = observed(answer, atEdge, u.visibleNanos());
                decisions.add(decision);
                decidedRequestIds.add(decision.requestId());
            }
        }
    }

    private static ObservedDecision observed(Decision answer, boolean atEdge, long visible) {
        if (answer instanceof CouponIssued coupon) {
            return new ObservedDecision(coupon.requestId(), coupon.eventId(), coupon.userId(), true,
                    coupon.couponId(), coupon.seq(), null, null, null, visible);
        }
        Rejection rejection = (Rejection) answer;
        StandingDecision first = rejection.firstDecision();
        return new ObservedDecision(rejection.requestId(), rejection.eventId(), rejection.userId(), false, null, 0,
                rejection.reason().name(), first == null ? null : first.status().name(),
                first == null ? null : first.requestId(), atEdge, visible);
    }

    /** Waits until every given request has a decision; returns how many are still undecided at the deadline. */
    int awaitDecided(Collection<String> requestIds, long deadlineNanos) throws InterruptedException {
        List<String> remaining = new ArrayList<>(requestIds);
        while (true) {
            boolean deadlinePassed = System.nanoTime() > deadlineNanos;
            if (deadlinePassed || arrivedCount() >= remaining.size() || quietWithUnread()) {
                readArrived();
                remaining.removeIf(decidedRequestIds::contains);
                if (remaining.isEmpty() || deadlinePassed) {
                    return remaining.size();
                }
            }
            if (tail.failure().isPresent()) {
                throw new IllegalStateException("decision reader failed", tail.failure().get());
            }
            Thread.sleep(20);
        }
    }

    /**
     * Records received and not yet parsed, each at least one decision: once they cover what is
     * missing, parsing is worth it.
     */
    private int arrivedCount() {
        synchronized (unread) {
            return unread.size();
        }
    }

    /** Nothing new for a while and something unread: the decisions have stopped coming, so read them now. */
    private boolean quietWithUnread() {
        return System.nanoTime() - lastArrivalNanos > QUIET_NANOS && arrivedCount() > 0;
    }

    private static final long QUIET_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200);

    /** Every decision seen so far; call after {@link #close()} for the complete list. */
    List<ObservedDecision> decisions() {
        readArrived();
        return List.copyOf(decisions);
    }

    @Override
    public void close() {
        tail.close();
    }
}
