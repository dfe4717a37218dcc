package io.couponissuer.message;

/**
 * The issuer's answer to one application, exactly as it goes onto its ledger topic: a coupon
 * ({@code coupon.issued}) or a rejection ({@code coupon.rejected}).
 */
public sealed interface Answer permits CouponIssued, Rejection {
    String requestId();
}
