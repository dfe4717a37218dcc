package io.couponissuer.message;

import java.time.Instant;

/**
 * The standing decision for one (eventId, userId), as kept in the issuer's decision store and
 * served by the status endpoint: the user's coupon. A rejection is never stored now (see
 * {@link RejectReason}); REJECTED exists only in stores written by versions that still recorded
 * SOLD_OUT, and such an entry does not stand ({@link #stands()}).
 *
 * @param status   ISSUED (REJECTED only in older stores)
 * @param reason   for an older store's REJECTED: SOLD_OUT
 * @param couponId for ISSUED: the coupon
 * @param seq      for ISSUED: its sequence number
 */
public record Decision(String requestId, String eventId, String userId, Status status, RejectReason reason,
                       String couponId, Long seq, Instant decidedAt) {
    public enum Status { ISSUED, REJECTED }

    /** Whether the user holds this decision now: a coupon does; an older store's SOLD_OUT does not. */
    public boolean stands() {
        return status == Status.ISSUED;
    }

    public static Decision issued(CouponIssued coupon) {
        return new Decision(coupon.requestId(), coupon.eventId(), coupon.userId(), Status.ISSUED, null,
                coupon.couponId(), coupon.seq(), coupon.issuedAt());
    }
}
