package io.couponissuer.query;

import io.couponissuer.message.Answer;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.Rejection;

/** An {@link Answer} over HTTP between issuer and gateway: exactly one of the two is set. */
record AnswerBody(CouponIssued issued, Rejection rejected) {
    static AnswerBody of(Answer answer) {
        return answer instanceof CouponIssued coupon ? new AnswerBody(coupon, null) : new AnswerBody(null, (Rejection) answer);
    }

    Answer answer() {
        if ((issued == null) == (rejected == null)) {
            throw new IllegalArgumentException("an answer is either issued or rejected");
        }
        return issued != null ? issued : rejected;
    }
}
