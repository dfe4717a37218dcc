package io.couponissuer.issuer;

import io.couponissuer.issuer.spread.SpreadCounter;
import io.couponissuer.issuer.spread.SpreadMetrics;
import io.couponissuer.kafka.IssuerCommandSerde;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.ApplyBatch;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.Claim;
import io.couponissuer.message.ClaimDecided;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.StandingDecision;
import io.couponissuer.message.EventUserKey;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.message.RejectReason;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.errors.TaskMigratedException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Decides every application of the events in its partition, first come first served.
 *
 * <p>One stream task owns all records of an event, in partition order, so the count needs no lock;
 * the stores, the outputs and the input offset commit in one transaction (exactly_once_v2), so a
 * crash replays the same records against the same state and decides the same. Nothing here reads a
 * clock: times come from the records.
 *
 * <p>For a spread event this is stage 2: it decides the claims the stage-1 partitions send, by the
 * same rules, and calls the event's {@link SpreadCounter} for what a spread event adds around them.
 */
final class CouponDecider implements Processor<String, IssuerCommand, String, Object> {
    /** Events whose definition and count stay parsed in memory; a task decides a handful at a time. */
    private static final int RECENT_EVENTS = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(CouponDecider.class);

    private final DecisionOutput decisions;
    private final SpreadMetrics spreadMetrics;
    private final SpreadCounter counter = new SpreadCounter(new CounterOutbox());
    /*
     * In front of the stores, written through. Emptied in init(): after an aborted transaction Kafka
     * Streams closes the task, restores the stores to the last commit and calls init() again before
     * it replays the input, so nothing from the aborted attempt survives here.
     */
    private final LruMap<EventDefinition> recentDefinitions;
    private final LruMap<Long> recentCounts;
    private final CouponHolders holders;
    private ProcessorContext<String, Object> context;
    /** The input record being processed: what stage 2 sends at once goes out with its headers. */
    private Record<String, IssuerCommand> current;
    /** While an ApplyBatch is decided: its decisions so far, written only once all are made; null otherwise. */
    private StagedBatch batch;
    private KeyValueStore<String, EventDefinition> definitions;
    private KeyValueStore<String, Long> issuedCounts;
    private KeyValueStore<String, StandingDecision> standing;

    CouponDecider(DecisionOutput decisions, SpreadMetrics spreadMetrics, CouponHolders holders) {
        this(decisions, spreadMetrics, RECENT_EVENTS, holders);
    }

    CouponDecider(DecisionOutput decisions, SpreadMetrics spreadMetrics, int recentEvents, CouponHolders holders) {
        this.decisions = decisions;
        this.spreadMetrics = spreadMetrics;
        this.recentDefinitions = new LruMap<>(recentEvents);
        this.recentCounts = new LruMap<>(recentEvents);
        this.holders = holders;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.definitions = context.getStateStore(IssuerStores.EVENT_DEFINITIONS);
        this.issuedCounts = context.getStateStore(IssuerStores.ISSUED_COUNTS);
        this.standing = context.getStateStore(IssuerStores.DECISIONS);
        recentDefinitions.clear();
        recentCounts.clear();
        holders.clear();
    }

    @Override
    public void process(Record<String, IssuerCommand> record) {
        IssuerCommand command = record.value();
        current = record;
        if (command instanceof EventDefinition definition) {
            define(record, definition);
        } else if (command instanceof ApplyBatch batch) {
            decideBatch(record, batch);
        } else if (command instanceof Claim claim) {
            ApplyRequest request = claim.application();
            counter.claimDecided(request, decide(record, request, definition(request.eventId())));
        } else {
            apply(record, (ApplyRequest) command);
        }
    }

    /**
     * One after the other, in list order, each as if it had come in a record of its own; the
     * rejections then leave in one record, since a record each would cost the hop's per-record work
     * the batch saved on the way in.
     *
     * <p>All or nothing: every application is decided against a {@link StagedBatch} before anything is
     * written, so an exception while deciding leaves no trace of the batch, and the dead-letter handler
     * sends the batch record whole to coupon.failed.
     */
    private void decideBatch(Record<String, IssuerCommand> record, ApplyBatch applications) {
        // The batch's type header is not its decisions' type.
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.remove(IssuerCommandSerde.TYPE_HEADER);
        Record<String, IssuerCommand> each = record.withHeaders(headers);
        StagedBatch staged = new StagedBatch(applications.eventId(), issuedCount(applications.eventId()),
                applications.applications().size());
        batch = staged;
        try {
            for (ApplyRequest application : applications.applications()) {
                apply(each.withValue(application), application);
            }
        } finally {
            batch = null;
        }
        write(each, staged);
    }

    /**
     * Writes out a batch decided whole: stores and caches, then its outputs, then the waiting clients.
     *
     * <p>What can still throw here is not the batch's content (its ids are plain ASCII and its values
     * the decider's own, so they serialize), but a store that cannot write or a send the producer
     * refuses. By then part of the batch may be in the open transaction, and the dead-letter handler
     * would commit that part; so such a failure is raised as a corrupted task instead, which Kafka
     * Streams answers by aborting the transaction and replaying from the last commit, as it does
     * itself for a timeout in the middle of a record under exactly_once_v2. The replay decides the
     * same, so anything already told to a waiting client stays true.
     */
    private void write(Record<String, IssuerCommand> each, StagedBatch staged) {
        String eventId = staged.eventId();
        try {
            for (Map.Entry<String, StandingDecision> coupon : staged.coupons().entrySet()) {
                standing.put(EventUserKey.of(eventId, coupon.getKey()), coupon.getValue());
                holders.issued(eventId, coupon.getKey(), coupon.getValue());
            }
            if (staged.issuedAny()) {
                issuedCounts.put(eventId, staged.issued());
                recentCounts.put(eventId, staged.issued());
                EventDefinition definition = definition(eventId);
                if (staged.issued() >= definition.cap()) {
                    publishDefinition(each, definition, staged.issued());
                }
            }
            for (ApplyRequest application : staged.rerouted()) {
                context.forward(each.withKey(application.eventUserKey()).withValue(application), CouponTopology.REROUTE_SINK);
            }
            for (IssuerCommand notice : staged.notices()) {
                context.forward(each.withValue(notice), CouponTopology.NOTICES_SINK);
            }
            decisions.decidedTogether(context, each, eventId, staged.issuedCoupons(), staged.rejections());
            for (ApplyRequest application : staged.rerouted()) {
                spreadMetrics.rerouted(application.eventId());
            }
        } catch (TaskMigratedException | TaskCorruptedException alreadyAborting) {
            throw alreadyAborting;
        } catch (RuntimeException e) {
            LOG.error("Writing the decided batch of event {} failed partway; aborting the transaction to replay it", eventId, e);
            throw new TaskCorruptedException(Set.of(context.taskId()));
        }
    }

    /** An application keyed by its event: decided here, or sent on to its user's partition if the event is spread. */
    private void apply(Record<String, IssuerCommand> record, ApplyRequest request) {
        EventDefinition definition = definition(request.eventId());
        if (!counter.reroutes(definition, request)) {
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
        publishDefinition(record, definition, issuedCount(definition.eventId()));
        // The definition's place in its partition orders the definitions, and is the same on a replay.
        counter.defined(definition, issuedCount(definition.eventId()), () -> context.recordMetadata().orElseThrow(
                () -> new IllegalStateException("a definition without its input record")).offset() + 1);
    }

    /**
     * The definition in effect onto coupon.events, with the count now (Topics.ISSUED_COUNT_HEADER): when
     * it is taken, and in the transaction of the coupon that sells the event out under it. From these
     * records alone a gateway can prove an answer (kafka.CommittedEvent).
     */
    private void publishDefinition(Record<String, IssuerCommand> cause, EventDefinition definition, long issued) {
        Headers headers = new RecordHeaders();
        headers.add(Topics.ISSUED_COUNT_HEADER, Long.toString(issued).getBytes(StandardCharsets.US_ASCII));
        context.forward(cause.withKey(definition.eventId()).withValue((IssuerCommand) definition).withHeaders(headers),
                CouponTopology.EVENTS_SINK);
    }

    /**
     * Decides and sends the decision; returns the user's coupon if it holds one now, else null.
     *
     * @param definition the event's current definition (looked up once by the caller), null if unknown
     */
    private StandingDecision decide(Record<String, IssuerCommand> record, ApplyRequest request, EventDefinition definition) {
        if (definition == null) {
            reject(record, request, RejectReason.EVENT_UNKNOWN, null);
            return null;
        }
        StandingDecision first = holders.coupon(standing, request.eventId(), request.userId(), issuedNow(request.eventId()));
        if (first == null && batch != null) { // the batch's own coupons are not in the store yet
            first = batch.coupon(request.userId());
        }
        if (first != null) {
            reject(record, request, RejectReason.DUPLICATE, first);
            return first;
        }
        RejectReason window = definition.windowRejection(request.requestedAt());
        if (window != null) {
            reject(record, request, window, null);
            return null;
        }
        long issued = issuedNow(request.eventId());
        if (issued >= definition.cap()) {
            // Nothing is stored: only a coupon is remembered, so the store (and its changelog) grows by
            // the cap, not by the number of applicants.
            reject(record, request, RejectReason.SOLD_OUT, null);
            return null;
        }
        StandingDecision coupon = issue(record, request, issued + 1);
        if (batch == null && issued + 1 >= definition.cap()) {
            publishDefinition(record, definition, issued + 1); // a batch's, once it is written
        }
        counter.issued(definition, issued + 1);
        return coupon;
    }

    /** @param first for DUPLICATE: the user's coupon; null otherwise */
    private void reject(Record<String, IssuerCommand> record, ApplyRequest request, RejectReason reason, StandingDecision first) {
        if (batch != null) {
            batch.reject(DecisionOutput.rejection(request, reason, first));
        } else {
            decisions.rejected(context, record, request, reason, first);
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

    /** The event's count with the coupons of the batch being decided, if any (all of its event). */
    private long issuedNow(String eventId) {
        return batch != null ? batch.issued() : issuedCount(eventId);
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
    private StandingDecision issue(Record<String, IssuerCommand> record, ApplyRequest request, long seq) {
        CouponIssued coupon = new CouponIssued(CouponIssued.couponIdOf(request.eventId(), seq), request.eventId(),
                request.userId(), request.requestId(), seq, request.requestedAt());
        StandingDecision decision = StandingDecision.issued(coupon);
        if (batch != null) {
            batch.issue(coupon, decision);
            return decision;
        }
        issuedCounts.put(request.eventId(), seq);
        recentCounts.put(request.eventId(), seq);
        standing.put(request.eventUserKey(), decision);
        holders.issued(request.eventId(), request.userId(), decision);
        decisions.issued(context, record, coupon);
        return decision;
    }

    /** Stage 2's records: sent now, in the task's transaction, or held with the batch being decided. */
    private final class CounterOutbox implements SpreadCounter.Outbox {
        @Override
        public void reroute(ApplyRequest application) {
            if (batch != null) {
                batch.reroute(application);
                return;
            }
            context.forward(current.withKey(application.eventUserKey()).withValue(application),
                    CouponTopology.REROUTE_SINK);
            spreadMetrics.rerouted(application.eventId());
        }

        @Override
        public void claimDecided(ClaimDecided outcome) {
            context.forward(current.withKey(outcome.eventUserKey()).withValue(outcome), CouponTopology.OUTCOMES_SINK);
        }

        @Override
        public void tellEveryPartition(IssuerCommand notice) {
            if (batch != null) {
                batch.notice(notice);
                return;
            }
            context.forward(current.withValue(notice), CouponTopology.NOTICES_SINK);
        }
    }
}
