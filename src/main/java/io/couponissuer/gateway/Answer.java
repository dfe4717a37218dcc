package io.couponissuer.gateway;

import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.Decision;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.Rejection;
import io.couponissuer.message.StandingDecision;

/**
 * What a client is told about an application, the HTTP body: PENDING until the issuer's decision is
 * known, then ISSUED (with couponId and seq) or REJECTED (with the reason; for DUPLICATE also the
 * first decision, which stands).
 */
public record Answer(String requestId, String eventId, String userId, String status, String couponId,
                     Long seq, RejectReason reason, Answer firstDecision) {
    public static Answer pending(String requestId, String eventId, String userId) {
        return new Answer(requestId, eventId, userId, "PENDING", null, null, null, null);
    }

    /** A user without a coupon of a sold-out event: no request of theirs is named, none is kept. */
    public static Answer soldOut(String eventId, String userId) {
        return new Answer(null, eventId, userId, "REJECTED", null, null, RejectReason.SOLD_OUT, null);
    }

    public static Answer of(Decision decision) {
        return decision instanceof CouponIssued coupon ? of(coupon) : of((Rejection) decision);
    }

    public static Answer of(CouponIssued coupon) {
        return new Answer(coupon.requestId(), coupon.eventId(), coupon.userId(), "ISSUED", coupon.couponId(),
                coupon.seq(), null, null);
    }

    public static Answer of(Rejection rejection) {
        return new Answer(rejection.requestId(), rejection.eventId(), rejection.userId(), "REJECTED", null, null,
                rejection.reason(), rejection.firstDecision() == null ? null : of(rejection.firstDecision()));
    }

    public static Answer of(StandingDecision decision) {
        return new Answer(decision.requestId(), decision.eventId(), decision.userId(), decision.status().name(),
                decision.couponId(), decision.seq(), decision.reason(), null);
    }
}
