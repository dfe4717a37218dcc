package io.couponissuer.message;

/**
 * What the issuer decided about one application, exactly as it goes onto the ledger: a coupon
 * ({@code coupon.issued}) or a rejection ({@code coupon.rejected}). What a client is told about it is
 * an answer (gateway.Answer).
 */
public sealed interface Decision permits CouponIssued, Rejection {
    String requestId();
}
