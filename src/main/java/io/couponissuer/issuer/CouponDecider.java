package io.couponissuer.issuer;

import io.couponissuer.kafka.IssuerCommandSerde;
import io.couponissuer.message.Answer;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.Decision;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.Rejection;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Decides every application of the events in its partition, first come first served.
 *
 * <p>One stream task owns all records of an event, in partition order, so the count needs no lock;
 * the stores, the outputs and the input offset commit in one transaction (exactly_once_v2), so a
 * crash replays the same records against the same state and decides the same. Nothing here reads a
 * clock: times come from the records.
 */
final class CouponDecider implements Processor<String, IssuerCommand, String, Object> {
    /** Events whose definition and count stay parsed in memory; a task decides a handful at a time. */
    private static final int RECENT_EVENTS = 1_000;

    private final RejectionCounter rejections;
    private final DecisionFeed feed;
    /*
     * In front of the stores, written through. Emptied in init(): after an aborted transaction Kafka
     * Streams closes the task, restores the stores to the last commit and calls init() again before
     * it replays the input, so nothing from the aborted attempt survives here.
     */
    private final RecentEvents<EventDefinition> recentDefinitions;
    private final RecentEvents<Long> recentCounts;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, EventDefinition> definitions;
    private KeyValueStore<String, Long> issuedCounts;
    private KeyValueStore<String, Decision> decisions;

    CouponDecider(RejectionCounter rejections, DecisionFeed feed) {
        this(rejections, feed, RECENT_EVENTS);
    }

    CouponDecider(RejectionCounter rejections, DecisionFeed feed, int recentEvents) {
        this.rejections = rejections;
        this.feed = feed;
        this.recentDefinitions = new RecentEvents<>(recentEvents);
        this.recentCounts = new RecentEvents<>(recentEvents);
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.definitions = context.getStateStore(IssuerStores.EVENT_DEFINITIONS);
        this.issuedCounts = context.getStateStore(IssuerStores.ISSUED_COUNTS);
        this.decisions = context.getStateStore(IssuerStores.DECISIONS);
        recentDefinitions.clear();
        recentCounts.clear();
    }

    @Override
    public void process(Record<String, IssuerCommand> record) {
        IssuerCommand command = record.value();
        if (command instanceof EventDefinition definition) {
            define(record, definition);
        } else {
            decide(record, (ApplyRequest) command);
        }
    }

    /** A (re)definition replaces cap and window; the count is kept, so issued never exceeds any cap. */
    private void define(Record<String, IssuerCommand> record, EventDefinition definition) {
        definitions.put(definition.eventId(), definition);
        recentDefinitions.put(definition.eventId(), definition);
        context.forward(record.withValue(definition), CouponTopology.EVENTS_SINK);
    }

    private void decide(Record<String, IssuerCommand> record, ApplyRequest request) {
        EventDefinition definition = definition(request.eventId());
        if (definition == null) {
            reject(record, request, RejectReason.EVENT_UNKNOWN, null);
            return;
        }
        Decision first = decisions.get(request.decisionKey());
        if (first != null && first.stands()) {
            reject(record, request, RejectReason.DUPLICATE, first);
            return;
        }
        RejectReason window = definition.windowRejection(request.requestedAt());
        if (window != null) {
            reject(record, request, window, null);
            return;
        }
        long issued = issuedCount(request.eventId());
        if (issued < definition.cap()) {
            issue(record, request, issued + 1);
        } else {
            reject(record, request, RejectReason.SOLD_OUT, null);
        }
    }

    private EventDefinition definition(String eventId) {
        EventDefinition definition = recentDefinitions.get(eventId);
        if (definition == null) {
            definition = definitions.get(eventId);
            if (definition != null) {
                recentDefinitions.put(eventId, definition);
            }
        }
        return definition;
    }

    private long issuedCount(String eventId) {
        Long count = recentCounts.get(eventId);
        if (count == null) {
            Long stored = issuedCounts.get(eventId);
            count = stored == null ? 0L : stored;
            recentCounts.put(eventId, count);
        }
        return count;
    }

    /** Only a coupon is remembered for a user; every rejection leaves the user free to apply again. */
    private void issue(Record<String, IssuerCommand> record, ApplyRequest request, long seq) {
        CouponIssued coupon = new CouponIssued(CouponIssued.couponIdOf(request.eventId(), seq), request.eventId(),
                request.userId(), request.requestId(), seq, request.requestedAt());
        issuedCounts.put(request.eventId(), seq);
        recentCounts.put(request.eventId(), seq);
        decisions.put(request.decisionKey(), Decision.issued(coupon));
        context.forward(record.withValue(coupon), CouponTopology.ISSUED_SINK);
        tellWaiter(record, coupon);
    }

    /** The answer, as it goes onto the ledger, to a client waiting for it (only if one said so). */
    private void tellWaiter(Record<String, IssuerCommand> record, Answer answer) {
        if (record.headers().lastHeader(IssuerCommandSerde.AWAITED_HEADER) != null) {
            feed.decided(answer);
        }
    }

    private void reject(Record<String, IssuerCommand> record, ApplyRequest request, RejectReason reason,
                        Decision first) {
        Rejection rejection = new Rejection(request.requestId(), request.eventId(), request.userId(), reason,
                request.requestedAt(), first);
        // Nothing is stored: only a coupon is remembered, so the store (and its changelog) grows by
        // the cap, not by the number of applicants.
        context.forward(record.withValue(rejection), CouponTopology.REJECTED_SINK);
        tellWaiter(record, rejection);
        rejections.count(request.eventId(), reason);
    }
}
