package io.couponissuer.issuer.spread;

import io.couponissuer.message.StandingDecision;

/**
 * A user of a spread event as its stage-1 partition knows it, kept in {@code spread-claimants} while
 * it matters: claims of the user sent to the counter and not decided yet, and the user's coupon once
 * the counter issued one. A user with neither is not kept: for the gate it is like any new user.
 *
 * @param pending claims sent and not yet decided ({@link io.couponissuer.message.ClaimDecided} not back)
 * @param coupon  the user's coupon; null while it holds none
 */
public record Claimant(long pending, StandingDecision coupon) {
    public static final Claimant NEW = new Claimant(0, null);

    public boolean holder() {
        return coupon != null;
    }

    Claimant sentOne() {
        return new Claimant(pending + 1, coupon);
    }

    /** The counter decided one of the user's claims; {@code couponNow} is its coupon if it holds one. */
    public Claimant decided(StandingDecision couponNow) {
        return new Claimant(Math.max(0, pending - 1), couponNow != null ? couponNow : coupon);
    }

    /** Nothing in flight and no coupon: the partition need not remember the user. */
    public boolean forgettable() {
        return pending == 0 && coupon == null;
    }
}
