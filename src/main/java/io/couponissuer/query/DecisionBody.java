package io.couponissuer.query;

import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.Decision;
import io.couponissuer.message.Rejection;

/** A {@link Decision} over HTTP between issuer and gateway: exactly one of the two is set. */
record DecisionBody(CouponIssued issued, Rejection rejected) {
    static DecisionBody of(Decision decision) {
        return decision instanceof CouponIssued coupon ? new DecisionBody(coupon, null)
                : new DecisionBody(null, (Rejection) decision);
    }

    Decision decision() {
        if ((issued == null) == (rejected == null)) {
            throw new IllegalArgumentException("a decision is either issued or rejected");
        }
        return issued != null ? issued : rejected;
    }
}
