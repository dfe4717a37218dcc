package io.couponissuer.message;

import java.time.Instant;

/**
 * The standing decision for one (eventId, userId), as kept in the issuer's decision store and
 * served by the status endpoint.
 *
 * @param status   ISSUED or REJECTED
 * @param reason   for REJECTED: why (only SOLD_OUT is ever stored)
 * @param couponId for ISSUED: the coupon
 * @param seq      for ISSUED: its sequence number
 */
public record Decision(String requestId, String eventId, String userId, Status status, RejectReason reason,
                       String couponId, Long seq, Instant decidedAt) {
    public enum Status { ISSUED, REJECTED }

    public static Decision issued(CouponIssued coupon) {
        return new Decision(coupon.requestId(), coupon.eventId(), coupon.userId(), Status.ISSUED, null,
                coupon.couponId(), coupon.seq(), coupon.issuedAt());
    }

    public static Decision rejected(Rejection rejection) {
        return new Decision(rejection.requestId(), rejection.eventId(), rejection.userId(), Status.REJECTED,
                rejection.reason(), null, null, rejection.decidedAt());
    }
}
