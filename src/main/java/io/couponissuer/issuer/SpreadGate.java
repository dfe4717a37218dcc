package io.couponissuer.issuer;

import io.couponissuer.issuer.spread.ClaimGate;
import io.couponissuer.issuer.spread.Claimant;
import io.couponissuer.issuer.spread.GateState;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.Claim;
import io.couponissuer.message.ClaimDecided;
import io.couponissuer.message.EventSoldOut;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.message.WindowOpened;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stage 1 of spread events, on every partition: the applications keyed by eventId/userId
 * ({@link ApplyRequest#eventUserKey()}), and what each event's counter sends back (the windows it opens,
 * that it sold out, how each claim ended). An application either goes on to the event's own partition
 * as a {@link Claim} or is answered here (SOLD_OUT past the claim window, DUPLICATE for a holder,
 * NOT_OPEN, CLOSED), by the rules of {@link ClaimGate}. The gate's state, the claimants, the claims and
 * the answers commit in the task's transaction, like the decider's.
 */
final class SpreadGate implements Processor<String, IssuerCommand, String, Object> {
    private final DecisionOutput answers;
    private final SpreadMetrics metrics;
    /* In front of the gates store, written through; emptied in init() for the reason CouponDecider gives. */
    private final LruMap<GateState> recentGates = new LruMap<>(1_000);
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, GateState> gates;
    private KeyValueStore<String, Claimant> claimants;

    SpreadGate(DecisionOutput answers, SpreadMetrics metrics) {
        this.answers = answers;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.gates = context.getStateStore(IssuerStores.SPREAD_GATES);
        this.claimants = context.getStateStore(IssuerStores.SPREAD_CLAIMANTS);
        recentGates.clear();
    }

    @Override
    public void process(Record<String, IssuerCommand> record) {
        IssuerCommand command = record.value();
        if (command instanceof WindowOpened opened) {
            GateState gate = gate(opened.eventId());
            update(opened.eventId(), gate, gate.opened(opened));
        } else if (command instanceof EventSoldOut soldOut) {
            GateState gate = gate(soldOut.eventId());
            update(soldOut.eventId(), gate, gate.soldOut(soldOut));
        } else if (command instanceof ClaimDecided decided) {
            remember(decided.eventUserKey(), claimant(decided.eventUserKey()).decided(decided.coupon()));
        } else {
            admit(record, (ApplyRequest) command);
        }
    }

    private void admit(Record<String, IssuerCommand> record, ApplyRequest request) {
        String key = request.eventUserKey();
        GateState gate = gate(request.eventId());
        ClaimGate.Verdict verdict = ClaimGate.admit(gate, claimant(key), request.requestedAt());
        if (verdict.kind() == ClaimGate.Verdict.Kind.ANSWER) {
            answers.rejected(context, record, request, verdict.reason(), verdict.first());
            metrics.answered(request.eventId());
            return;
        }
        update(request.eventId(), gate, verdict.next());
        remember(key, verdict.claimant());
        boolean counted = verdict.kind() == ClaimGate.Verdict.Kind.CLAIM_COUNTED;
        context.forward(record.withKey(request.eventId()).withValue(new Claim(request, counted)),
                CouponTopology.CLAIMS_SINK);
        metrics.claimed(request.eventId(), counted, gate.known());
    }

    private Claimant claimant(String key) {
        Claimant claimant = claimants.get(key);
        return claimant == null ? Claimant.NEW : claimant;
    }

    private void remember(String key, Claimant claimant) {
        if (claimant.forgettable()) {
            claimants.delete(key);
        } else {
            claimants.put(key, claimant);
        }
    }

    private GateState gate(String eventId) {
        GateState gate = recentGates.get(eventId);
        if (gate == null) {
            GateState stored = gates.get(eventId);
            gate = stored == null ? GateState.UNKNOWN : stored;
            recentGates.put(eventId, gate);
        }
        return gate;
    }

    private void update(String eventId, GateState before, GateState after) {
        if (after != before) {
            gates.put(eventId, after);
            recentGates.put(eventId, after);
        }
    }
}
