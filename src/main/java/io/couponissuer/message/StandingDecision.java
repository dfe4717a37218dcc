package io.couponissuer.message;

import java.time.Instant;

/**
 * The decision that stands for one user in one event: the user's coupon. Kept in the issuer's
 * decisions store under its {@link EventUserKey}, carried by a DUPLICATE {@link Rejection} as the
 * first decision, and served by the status endpoint. Only a coupon is recorded (see
 * {@link RejectReason}), so every entry the issuer writes is ISSUED.
 *
 * <p>A store may also hold REJECTED entries (reason SOLD_OUT), left by releases that recorded
 * SOLD_OUT; such an entry does not stand ({@link #stands()}). This is kept because a store's changelog
 * outlives an upgrade: read as a coupon, such an entry would have its user told DUPLICATE without
 * one (CouponTopologyTest reads one through each path of the decider).
 *
 * @param status   ISSUED (REJECTED only in such older entries)
 * @param reason   for an older entry's REJECTED: SOLD_OUT
 * @param couponId for ISSUED: the coupon
 * @param seq      for ISSUED: its sequence number
 */
public record StandingDecision(String requestId, String eventId, String userId, Status status, RejectReason reason,
                               String couponId, Long seq, Instant decidedAt) {
    public enum Status { ISSUED, REJECTED }

    /** Whether the user holds this decision now: a coupon does; an older entry's SOLD_OUT does not. */
    public boolean stands() {
        return status == Status.ISSUED;
    }

    public static StandingDecision issued(CouponIssued coupon) {
        return new StandingDecision(coupon.requestId(), coupon.eventId(), coupon.userId(), Status.ISSUED, null,
                coupon.couponId(), coupon.seq(), coupon.issuedAt());
    }
}
