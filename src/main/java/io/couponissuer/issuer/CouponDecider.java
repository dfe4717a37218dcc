package io.couponissuer.issuer;

import io.couponissuer.kafka.IssuerCommandSerde;
import io.couponissuer.message.ApplyBatch;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.Claim;
import io.couponissuer.message.ClaimDecided;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.Decision;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.EventSoldOut;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.Rejection;
import io.couponissuer.message.WindowOpened;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides every application of the events in its partition, first come first served.
 *
 * <p>One stream task owns all records of an event, in partition order, so the count needs no lock;
 * the stores, the outputs and the input offset commit in one transaction (exactly_once_v2), so a
 * crash replays the same records against the same state and decides the same. Nothing here reads a
 * clock: times come from the records.
 *
 * <p>For a spread event this is stage 2, the event's one counter: it decides the claims the stage-1
 * partitions send (the same rules) and tells the user's partition how each ended, tells every
 * partition the window each definition opens and when the coupons run out, and sends an application that reached it keyed by the event (a gateway that
 * did not know yet) on to the user's stage-1 partition, since the claim windows count on every
 * application of a spread event passing there.
 */
final class CouponDecider implements Processor<String, IssuerCommand, String, Object> {
    /** Events whose definition and count stay parsed in memory; a task decides a handful at a time. */
    private static final int RECENT_EVENTS = 1_000;

    private final AnswerOut answers;
    private final SpreadMetrics spreadMetrics;
    /*
     * In front of the stores, written through. Emptied in init(): after an aborted transaction Kafka
     * Streams closes the task, restores the stores to the last commit and calls init() again before
     * it replays the input, so nothing from the aborted attempt survives here.
     */
    private final RecentEvents<EventDefinition> recentDefinitions;
    private final RecentEvents<Long> recentCounts;
    private final CouponHolders holders;
    private ProcessorContext<String, Object> context;
    /** While an ApplyBatch is decided: its rejections so far, to go out in one record; null otherwise. */
    private List<Rejection> batchRejections;
    private KeyValueStore<String, EventDefinition> definitions;
    private KeyValueStore<String, Long> issuedCounts;
    private KeyValueStore<String, Decision> decisions;

    CouponDecider(AnswerOut answers, SpreadMetrics spreadMetrics) {
        this(answers, spreadMetrics, RECENT_EVENTS, new CouponHolders());
    }

    CouponDecider(AnswerOut answers, SpreadMetrics spreadMetrics, int recentEvents, CouponHolders holders) {
        this.answers = answers;
        this.spreadMetrics = spreadMetrics;
        this.recentDefinitions = new RecentEvents<>(recentEvents);
        this.recentCounts = new RecentEvents<>(recentEvents);
        this.holders = holders;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.definitions = context.getStateStore(IssuerStores.EVENT_DEFINITIONS);
        this.issuedCounts = context.getStateStore(IssuerStores.ISSUED_COUNTS);
        this.decisions = context.getStateStore(IssuerStores.DECISIONS);
        recentDefinitions.clear();
        recentCounts.clear();
        holders.clear();
    }

    @Override
    public void process(Record<String, IssuerCommand> record) {
        IssuerCommand command = record.value();
        if (command instanceof EventDefinition definition) {
            define(record, definition);
        } else if (command instanceof ApplyBatch batch) {
            decideBatch(record, batch);
        } else if (command instanceof Claim claim) {
            ApplyRequest request = claim.application();
            Decision coupon = decide(record, request, definition(request.eventId()));
            ClaimDecided outcome = new ClaimDecided(request.eventId(), request.userId(), coupon);
            context.forward(record.withKey(outcome.spreadKey()).withValue(outcome), CouponTopology.OUTCOMES_SINK);
        } else {
            apply(record, (ApplyRequest) command);
        }
    }

    /**
     * One after the other, in list order, each as if it had come in a record of its own; the
     * rejections then leave in one record, since a record each would cost the hop's per-record work
     * the batch saved on the way in.
     */
    private void decideBatch(Record<String, IssuerCommand> record, ApplyBatch batch) {
        // The batch's type header is not its answers' type.
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.remove(IssuerCommandSerde.TYPE_HEADER);
        Record<String, IssuerCommand> each = record.withHeaders(headers);
        batchRejections = new ArrayList<>(batch.applications().size());
        try {
            for (ApplyRequest application : batch.applications()) {
                apply(each.withValue(application), application);
            }
            answers.rejectedTogether(context, each, batch.eventId(), batchRejections);
        } finally {
            batchRejections = null;
        }
    }

    /** An application keyed by its event: decided here, or sent on to its user's partition if the event is spread. */
    private void apply(Record<String, IssuerCommand> record, ApplyRequest request) {
        EventDefinition definition = definition(request.eventId());
        if (definition != null && definition.isSpread()) {
            context.forward(record.withKey(request.spreadKey()).withValue(request), CouponTopology.REROUTE_SINK);
            spreadMetrics.rerouted(request.eventId());
        } else {
            decide(record, request, definition);
        }
    }

    /**
     * A (re)definition replaces cap and window; the count is kept, so issued never exceeds any cap.
     * Whether the event is spread stays as first defined.
     */
    private void define(Record<String, IssuerCommand> record, EventDefinition received) {
        EventDefinition before = definition(received.eventId());
        EventDefinition definition = before == null ? received : received.withSpread(before.isSpread());
        definitions.put(definition.eventId(), definition);
        recentDefinitions.put(definition.eventId(), definition);
        context.forward(record.withValue(definition), CouponTopology.EVENTS_SINK);
        if (definition.isSpread()) {
            long issued = issuedCount(definition.eventId());
            // The definition's place in its partition orders the definitions, and is the same on a replay.
            long version = context.recordMetadata().orElseThrow(
                    () -> new IllegalStateException("a definition without its input record")).offset() + 1;
            tellEveryPartition(record, new WindowOpened(definition.eventId(), version, definition.cap(),
                    Math.max(0, definition.cap() - issued), definition.opensAt(), definition.closesAt()));
            if (issued >= definition.cap()) {
                tellEveryPartition(record, new EventSoldOut(definition.eventId(), issued));
            }
        }
    }

    private void tellEveryPartition(Record<String, IssuerCommand> record, IssuerCommand notice) {
        context.forward(record.withValue(notice), CouponTopology.NOTICES_SINK);
    }

    /** Decides and answers; returns the user's coupon if it holds one now, else null. */
    /** @param definition the event's current definition (looked up once by the caller), null if unknown */
    private Decision decide(Record<String, IssuerCommand> record, ApplyRequest request, EventDefinition definition) {
        if (definition == null) {
            reject(record, request, RejectReason.EVENT_UNKNOWN, null);
            return null;
        }
        Decision first = holders.coupon(decisions, request.eventId(), request.userId(), issuedCount(request.eventId()));
        if (first != null) {
            reject(record, request, RejectReason.DUPLICATE, first);
            return first;
        }
        RejectReason window = definition.windowRejection(request.requestedAt());
        if (window != null) {
            reject(record, request, window, null);
            return null;
        }
        long issued = issuedCount(request.eventId());
        if (issued >= definition.cap()) {
            // Nothing is stored: only a coupon is remembered, so the store (and its changelog) grows by
            // the cap, not by the number of applicants.
            reject(record, request, RejectReason.SOLD_OUT, null);
            return null;
        }
        Decision coupon = issue(record, request, issued + 1);
        if (definition.isSpread() && issued + 1 == definition.cap()) {
            tellEveryPartition(record, new EventSoldOut(request.eventId(), issued + 1));
        }
        return coupon;
    }

    /** @param first for DUPLICATE: the user's coupon; null otherwise */
    private void reject(Record<String, IssuerCommand> record, ApplyRequest request, RejectReason reason, Decision first) {
        if (batchRejections != null) {
            batchRejections.add(answers.rejection(record, request, reason, first));
        } else {
            answers.rejected(context, record, request, reason, first);
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
    private Decision issue(Record<String, IssuerCommand> record, ApplyRequest request, long seq) {
        CouponIssued coupon = new CouponIssued(CouponIssued.couponIdOf(request.eventId(), seq), request.eventId(),
                request.userId(), request.requestId(), seq, request.requestedAt());
        Decision decision = Decision.issued(coupon);
        issuedCounts.put(request.eventId(), seq);
        recentCounts.put(request.eventId(), seq);
        decisions.put(request.decisionKey(), decision);
        holders.issued(request.eventId(), request.userId(), decision);
        answers.issued(context, record, coupon);
        return decision;
    }
}
