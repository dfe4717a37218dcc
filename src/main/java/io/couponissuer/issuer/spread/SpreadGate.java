package io.couponissuer.issuer.spread;

import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.Claim;
import io.couponissuer.message.ClaimDecided;
import io.couponissuer.message.EventSoldOut;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.StandingDecision;
import io.couponissuer.message.WindowOpened;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.Map;

/**
 * Stage 1 of spread events, on every partition: the applications keyed by eventId/userId
 * ({@link ApplyRequest#eventUserKey()}), and what each event's counter ({@link SpreadCounter}) sends
 * back (the windows it opens, that it sold out, how each claim ended). An application either goes on
 * to the event's own partition as a {@link Claim} or is rejected here (SOLD_OUT past the claim window,
 * DUPLICATE for a holder, NOT_OPEN, CLOSED), by {@link ClaimRules}. The partition's claim windows, the
 * claimants, the claims and the rejections commit in the task's transaction, like the decider's.
 */
public final class SpreadGate implements Processor<String, IssuerCommand, String, Object> {
    /** How a rejection made here leaves the issuer, as the decider's do (onto the ledger, to a waiting client). */
    @FunctionalInterface
    public interface Rejections {
        /** @param first for DUPLICATE: the user's coupon; null otherwise */
        void rejected(ProcessorContext<String, Object> context, Record<String, ?> record, ApplyRequest request,
                      RejectReason reason, StandingDecision first);
    }

    private final Rejections rejections;
    private final SpreadMetrics metrics;
    private final String claimsSink;
    /* In front of the windows store, written through; emptied in init() for the reason CouponDecider gives. */
    private final Map<String, ClaimWindow> recentWindows;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, ClaimWindow> windows;
    private KeyValueStore<String, Claimant> claimants;

    /**
     * @param claimsSink    the sink node the claims leave by, to the event's own partition
     * @param recentWindows a bounded map (least recently used out) to keep recent events' windows in
     */
    public SpreadGate(Rejections rejections, SpreadMetrics metrics, String claimsSink,
                      Map<String, ClaimWindow> recentWindows) {
        this.rejections = rejections;
        this.metrics = metrics;
        this.claimsSink = claimsSink;
        this.recentWindows = recentWindows;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.windows = context.getStateStore(SpreadStores.SPREAD_GATES);
        this.claimants = context.getStateStore(SpreadStores.SPREAD_CLAIMANTS);
        recentWindows.clear();
    }

    @Override
    public void process(Record<String, IssuerCommand> record) {
        IssuerCommand command = record.value();
        if (command instanceof WindowOpened opened) {
            ClaimWindow window = window(opened.eventId());
            update(opened.eventId(), window, window.opened(opened));
        } else if (command instanceof EventSoldOut soldOut) {
            ClaimWindow window = window(soldOut.eventId());
            update(soldOut.eventId(), window, window.soldOut(soldOut));
        } else if (command instanceof ClaimDecided decided) {
            remember(decided.eventUserKey(), claimant(decided.eventUserKey()).decided(decided.coupon()));
        } else {
            admit(record, (ApplyRequest) command);
        }
    }

    private void admit(Record<String, IssuerCommand> record, ApplyRequest request) {
        String key = request.eventUserKey();
        ClaimWindow window = window(request.eventId());
        ClaimRules.Ruling ruling = ClaimRules.admit(window, claimant(key), request.requestedAt());
        if (ruling.step() == ClaimRules.Ruling.Step.REJECT_HERE) {
            rejections.rejected(context, record, request, ruling.reason(), ruling.first());
            metrics.answered(request.eventId());
            return;
        }
        update(request.eventId(), window, ruling.next());
        remember(key, ruling.claimant());
        boolean counted = ruling.step() == ClaimRules.Ruling.Step.CLAIM_COUNTED;
        context.forward(record.withKey(request.eventId()).withValue(new Claim(request, counted)), claimsSink);
        metrics.claimed(request.eventId(), counted, window.known());
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

    private ClaimWindow window(String eventId) {
        ClaimWindow window = recentWindows.get(eventId);
        if (window == null) {
            ClaimWindow stored = windows.get(eventId);
            window = stored == null ? ClaimWindow.UNKNOWN : stored;
            recentWindows.put(eventId, window);
        }
        return window;
    }

    private void update(String eventId, ClaimWindow before, ClaimWindow after) {
        if (after != before) {
            windows.put(eventId, after);
            recentWindows.put(eventId, after);
        }
    }
}
