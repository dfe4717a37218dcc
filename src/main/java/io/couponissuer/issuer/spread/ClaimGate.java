package io.couponissuer.issuer.spread;

import io.couponissuer.message.StandingDecision;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.RejectReason;

import java.time.Instant;

/**
 * Stage 1 of a spread event, for the users of one partition: which applications go on to the
 * event's counter (its own partition, stage 2) as claims, and which this partition answers itself.
 * Plain rules over {@link GateState} and {@link Claimant}: no Kafka, no clock.
 *
 * <p>Why a local {@code SOLD_OUT} is exact (the claim window): the counter opens each definition of
 * the event with a window, the coupons left then. A claim is counted only for a user with no claim in
 * flight and no coupon, and every application of a user comes through this one partition, so the
 * counter can only issue it or answer {@code SOLD_OUT} (such a user holds nothing; the opening window
 * was checked here against the same definition). This partition's claims reach the counter in the
 * order it sent them. So when {@code window} counted claims have gone ahead of an application, each of
 * them was issued or found the event sold out, and either way nothing is left for it: the counter
 * would answer {@code SOLD_OUT} too. A user with a claim in flight goes on, uncounted (the counter
 * knows how that claim ends); a user whose coupon the counter reported is answered {@code DUPLICATE}
 * here, as the counter would (a coupon is never taken back).
 */
public final class ClaimGate {
    private ClaimGate() {
    }

    /** What to do with one application, and the partition's state after it. */
    public record Verdict(Kind kind, RejectReason reason, StandingDecision first, GateState next, Claimant claimant) {
        public enum Kind {
            /** A claim counted against the window. */
            CLAIM_COUNTED,
            /** A claim outside the window's count: the user has one in flight, or no window is known yet. */
            CLAIM_UNCOUNTED,
            /** Answer here with {@code reason} (and for DUPLICATE the coupon, {@code first}). */
            ANSWER
        }
    }

    /**
     * @param claimant    what this partition keeps of the user; {@link Claimant#NEW} if nothing
     * @param requestedAt when the gateway accepted the application
     */
    public static Verdict admit(GateState state, Claimant claimant, Instant requestedAt) {
        if (claimant.holder()) {
            return new Verdict(Verdict.Kind.ANSWER, RejectReason.DUPLICATE, claimant.coupon(), state, claimant);
        }
        if (claimant.pending() > 0 || !state.known()) {
            return new Verdict(Verdict.Kind.CLAIM_UNCOUNTED, null, null, state, claimant.sentOne());
        }
        RejectReason outside = EventDefinition.windowRejection(state.opensAt(), state.closesAt(), requestedAt);
        if (outside != null) {
            return new Verdict(Verdict.Kind.ANSWER, outside, null, state, claimant);
        }
        if (state.windowUsed()) {
            return new Verdict(Verdict.Kind.ANSWER, RejectReason.SOLD_OUT, null, state, claimant);
        }
        return new Verdict(Verdict.Kind.CLAIM_COUNTED, null, null, state.countedOne(), claimant.sentOne());
    }
}
