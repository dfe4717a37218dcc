package io.couponissuer.gateway;

import io.couponissuer.message.Answer;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.Decision;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.Rejection;

/**
 * What a caller is told about a request: PENDING, ISSUED (with couponId and seq) or REJECTED (with
 * the reason; for DUPLICATE also the first decision, which stands).
 */
public record DecisionView(String requestId, String eventId, String userId, String status, String couponId,
                           Long seq, RejectReason reason, DecisionView firstDecision) {
    public static DecisionView pending(String requestId, String eventId, String userId) {
        return new DecisionView(requestId, eventId, userId, "PENDING", null, null, null, null);
    }

    /** A user without a coupon of a sold-out event: no request of theirs is named, none is kept. */
    public static DecisionView soldOut(String eventId, String userId) {
        return new DecisionView(null, eventId, userId, "REJECTED", null, null, RejectReason.SOLD_OUT, null);
    }

    public static DecisionView of(Answer answer) {
        return answer instanceof CouponIssued coupon ? of(coupon) : of((Rejection) answer);
    }

    public static DecisionView of(CouponIssued coupon) {
        return new DecisionView(coupon.requestId(), coupon.eventId(), coupon.userId(), "ISSUED", coupon.couponId(),
                coupon.seq(), null, null);
    }

    public static DecisionView of(Rejection rejection) {
        return new DecisionView(rejection.requestId(), rejection.eventId(), rejection.userId(), "REJECTED", null, null,
                rejection.reason(), rejection.firstDecision() == null ? null : of(rejection.firstDecision()));
    }

    public static DecisionView of(Decision decision) {
        return new DecisionView(decision.requestId(), decision.eventId(), decision.userId(), decision.status().name(),
                decision.couponId(), decision.seq(), decision.reason(), null);
    }
}
