package io.couponissuer.bench;

/**
 * A decision as a read_committed reader of coupon.issued or coupon.rejected saw it.
 *
 * @param couponId     for issued: the coupon; null for a rejection
 * @param reason       for a rejection: the reason; null for issued
 * @param visibleNanos System.nanoTime() when the poll returned it: when it became visible downstream
 */
public record ObservedDecision(String requestId, String eventId, String userId, boolean issued, String couponId,
                               long seq, String reason, long visibleNanos) {
}
