package io.couponissuer.issuer.spread;

import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.RejectReason;

import java.time.Instant;

/**
 * Stage 1 of a spread event, for the users of one partition: which applications go on to the
 * event's counter (its own partition, stage 2) as claims, and which this partition answers itself.
 * Plain rules over {@link GateState}: no Kafka, no clock.
 *
 * <p>Why a local {@code SOLD_OUT} is exact (the claim window): the counter opens each definition of
 * the event with a window, the coupons left then. Every counted claim is a user's first claim from
 * this partition, and every application of a user comes through this one partition, so the counter
 * can only issue it or answer {@code SOLD_OUT} (such a user holds nothing; the opening window was
 * checked here against the same definition). This partition's claims reach the counter in the order
 * it sent them. So when {@code window} counted claims have gone ahead of an application, each of them
 * was issued or found the event sold out, and either way nothing is left for it: the counter would
 * answer {@code SOLD_OUT} too. A user who has claimed before always goes on, uncounted: the counter
 * knows whether it holds a coupon.
 */
public final class ClaimGate {
    private ClaimGate() {
    }

    /** What to do with one application, and the partition's state after it. */
    public record Verdict(Kind kind, RejectReason reason, GateState next) {
        public enum Kind {
            /** A user's first claim, counted against the window: remember the user. */
            CLAIM_COUNTED,
            /** A claim outside the window's count: a user who claimed before, or no window known yet (remember the user). */
            CLAIM_UNCOUNTED,
            /** Answer here with {@code reason}; the user is not remembered (the answer is not final). */
            ANSWER
        }

        /** Whether the user must be remembered as a claimant of this partition. */
        public boolean remembers() {
            return kind != Kind.ANSWER;
        }
    }

    /**
     * @param claimedBefore whether this partition ever sent a claim of this user for the event
     * @param requestedAt   when the gateway accepted the application
     */
    public static Verdict admit(GateState state, boolean claimedBefore, Instant requestedAt) {
        if (claimedBefore || !state.known()) {
            return new Verdict(Verdict.Kind.CLAIM_UNCOUNTED, null, state);
        }
        RejectReason outside = EventDefinition.windowRejection(state.opensAt(), state.closesAt(), requestedAt);
        if (outside != null) {
            return new Verdict(Verdict.Kind.ANSWER, outside, state);
        }
        if (state.windowUsed()) {
            return new Verdict(Verdict.Kind.ANSWER, RejectReason.SOLD_OUT, state);
        }
        return new Verdict(Verdict.Kind.CLAIM_COUNTED, null, state.countedOne());
    }
}
