package io.couponissuer.tools.judge;

/** One row of the {@code coupon} table, as far as the invariants compare it with coupon.issued. */
public record CouponRow(String couponId, String eventId, String userId, long seq, String requestId) {
}
