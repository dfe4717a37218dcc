package io.couponissuer.issuer.spread;

import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.ClaimDecided;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.EventSoldOut;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.message.StandingDecision;
import io.couponissuer.message.WindowOpened;

import java.util.function.LongSupplier;

/**
 * Stage 2 of a spread event, "the counter", on the event's own partition: the event's one count of
 * coupons. The decider (issuer.CouponDecider) decides the claims stage 1 sends exactly as it decides an
 * application of an event that is not spread; this is what a spread event adds around that. It tells
 * the user's stage-1 partition how each claim ended, tells every partition the window each definition
 * opens and when the coupons run out, and sends an application that reached it keyed by the event (a
 * gateway that did not know yet) on to the user's stage-1 partition, since the claim windows count on
 * every application of a spread event passing there.
 *
 * <p>Plain rules, no Kafka, no clock: what it sends goes to the decider's {@link Outbox}, which sends it
 * in the task's transaction or holds it with the batch being decided.
 */
public final class SpreadCounter {
    /** Where the counter's records go, all on coupon.apply-requests. */
    public interface Outbox {
        /** An application keyed by its event, on to its user's stage-1 partition (keyed eventId/userId). */
        void reroute(ApplyRequest application);

        /** How a claim ended, to its user's stage-1 partition (keyed eventId/userId). */
        void claimDecided(ClaimDecided outcome);

        /** A notice to every partition. */
        void tellEveryPartition(IssuerCommand notice);
    }

    private final Outbox out;

    public SpreadCounter(Outbox out) {
        this.out = out;
    }

    /**
     * An application keyed by its event: if the event is spread, sends it on to its user's stage-1
     * partition and returns true; otherwise it is the decider's to decide here.
     *
     * @param definition the event's current definition, null if unknown
     */
    public boolean reroutes(EventDefinition definition, ApplyRequest application) {
        if (definition == null || !definition.isSpread()) {
            return false;
        }
        out.reroute(application);
        return true;
    }

    /**
     * A (re)definition took effect: a spread event opens a new window on every partition, the coupons
     * left under it, and is sold out there at once if none are.
     *
     * @param issued  the event's coupons so far
     * @param version orders the definitions of the event (the same on a replay); asked only of a spread event
     */
    public void defined(EventDefinition definition, long issued, LongSupplier version) {
        if (!definition.isSpread()) {
            return;
        }
        out.tellEveryPartition(new WindowOpened(definition.eventId(), version.getAsLong(), definition.cap(),
                Math.max(0, definition.cap() - issued), definition.opensAt(), definition.closesAt()));
        if (issued >= definition.cap()) {
            out.tellEveryPartition(new EventSoldOut(definition.eventId(), issued));
        }
    }

    /** Coupon {@code seq} was issued: the one that reaches the cap sells a spread event out on every partition. */
    public void issued(EventDefinition definition, long seq) {
        if (definition.isSpread() && seq == definition.cap()) {
            out.tellEveryPartition(new EventSoldOut(definition.eventId(), seq));
        }
    }

    /**
     * A claim was decided (a rejection or a coupon, on the ledger like any decision).
     *
     * @param coupon the user's coupon if it holds one now (issued by this claim or before), else null
     */
    public void claimDecided(ApplyRequest claimed, StandingDecision coupon) {
        out.claimDecided(new ClaimDecided(claimed.eventId(), claimed.userId(), coupon));
    }
}
