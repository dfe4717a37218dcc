package io.couponissuer.issuer.spread;

import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.StandingDecision;

import java.time.Instant;

/**
 * The rules of stage 1 of a spread event, for the users of one partition: which applications go on
 * to the event's counter (its own partition, stage 2) as claims, and which this partition rejects
 * itself. Plain rules over {@link ClaimWindow} and {@link Claimant}: no Kafka, no clock.
 *
 * <p>Why a local {@code SOLD_OUT} is exact (the claim window): the counter opens each definition of
 * the event with a window, the coupons left then. A claim is counted only for a user with no claim in
 * flight and no coupon, and every application of a user comes through this one partition, so the
 * counter can only issue it or decide {@code SOLD_OUT} (such a user holds nothing; the opening window
 * was checked here against the same definition). This partition's claims reach the counter in the
 * order it sent them. So when {@code window} counted claims have gone ahead of an application, each of
 * them was issued or found the event sold out, and either way nothing is left for it: the counter
 * would decide {@code SOLD_OUT} too. A user with a claim in flight goes on, uncounted (the counter
 * knows how that claim ends); a user whose coupon the counter reported is rejected {@code DUPLICATE}
 * here, as the counter would (a coupon is never taken back).
 */
public final class ClaimRules {
    private ClaimRules() {
    }

    /** What to do with one application, and the partition's state after it. */
    public record Ruling(Step step, RejectReason reason, StandingDecision first, ClaimWindow next, Claimant claimant) {
        public enum Step {
            /** A claim counted against the window. */
            CLAIM_COUNTED,
            /** A claim outside the window's count: the user has one in flight, or no window is known yet. */
            CLAIM_UNCOUNTED,
            /** Rejected here with {@code reason} (and for DUPLICATE the coupon, {@code first}). */
            REJECT_HERE
        }
    }

    /**
     * @param claimant    what this partition keeps of the user; {@link Claimant#NEW} if nothing
     * @param requestedAt when the gateway accepted the application
     */
    public static Ruling admit(ClaimWindow window, Claimant claimant, Instant requestedAt) {
        if (claimant.holder()) {
            return new Ruling(Ruling.Step.REJECT_HERE, RejectReason.DUPLICATE, claimant.coupon(), window, claimant);
        }
        if (claimant.pending() > 0 || !window.known()) {
            return new Ruling(Ruling.Step.CLAIM_UNCOUNTED, null, null, window, claimant.sentOne());
        }
        RejectReason outside = EventDefinition.windowRejection(window.opensAt(), window.closesAt(), requestedAt);
        if (outside != null) {
            return new Ruling(Ruling.Step.REJECT_HERE, outside, null, window, claimant);
        }
        if (window.used()) {
            return new Ruling(Ruling.Step.REJECT_HERE, RejectReason.SOLD_OUT, null, window, claimant);
        }
        return new Ruling(Ruling.Step.CLAIM_COUNTED, null, null, window.countedOne(), claimant.sentOne());
    }
}
