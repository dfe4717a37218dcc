package io.couponissuer.issuer.spread;

import java.util.HashSet;
import java.util.Set;

/**
 * Stage 1 of a spread event, for the users of one partition: which applications go on to the
 * event's counter (stage 2, {@link ClaimCounter}) as claims, and which this partition may answer
 * {@code SOLD_OUT} itself. Plain rules: no Kafka, no clock; the state is what a task's store keeps.
 *
 * <p>Why a local {@code SOLD_OUT} is exact (the claim window): the counter opens each version of the
 * event with a window, the coupons left then. Every counted claim is a user's first claim from this
 * partition, so the counter can only issue it or answer {@code SOLD_OUT} (such a user holds nothing).
 * This partition's claims reach the counter in the order it sent them. So when {@code window} counted
 * claims have gone ahead of an application, each of them was issued or found the event sold out, and
 * either way nothing is left for it: the counter would answer {@code SOLD_OUT} too. A user who has
 * claimed before is always sent on, uncounted: the counter knows whether it holds a coupon.
 */
public final class ClaimGate {
    /** What to do with an application. */
    public enum Admission {
        /** A first claim of the user, counted against the window. */
        CLAIM_COUNTED,
        /** A claim the window does not count: a user who claimed before, or no window known yet. */
        CLAIM_UNCOUNTED,
        /** Answer SOLD_OUT here: the counter would. */
        SOLD_OUT
    }

    private long version;
    private long window;
    private long counted;
    private boolean soldOut;
    /** Users this partition ever sent a claim for: at most the coupons of all versions, plus those sent before the first window. */
    private final Set<String> claimed = new HashSet<>();

    public Admission admit(String userId) {
        if (claimed.contains(userId)) {
            return Admission.CLAIM_UNCOUNTED;
        }
        if (version == 0) {
            claimed.add(userId);
            return Admission.CLAIM_UNCOUNTED;
        }
        if (soldOut || counted >= window) {
            return Admission.SOLD_OUT;
        }
        counted++;
        claimed.add(userId);
        return Admission.CLAIM_COUNTED;
    }

    /** The counter opened {@code version} with {@code window} coupons left; an older notice changes nothing. */
    public void opened(long version, long window) {
        if (version > this.version) {
            this.version = version;
            this.window = window;
            this.counted = 0;
            this.soldOut = false;
        }
    }

    /** The counter sold out {@code version}; a notice of a version since replaced changes nothing. */
    public void soldOut(long version) {
        if (version == this.version) {
            soldOut = true;
        }
    }

    public long version() {
        return version;
    }
}
