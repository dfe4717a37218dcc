package io.couponissuer.tools.bench;

import io.couponissuer.tools.judge.InvariantJudge;

/**
 * A decision as a read_committed reader of coupon.issued or coupon.rejected saw it.
 *
 * @param couponId       for issued: the coupon; null for a rejection
 * @param reason         for a rejection: the reason; null for issued
 * @param firstStatus    for a DUPLICATE: the status of the first decision it carries; null otherwise
 * @param firstRequestId for a DUPLICATE: the request of the first decision it carries; null otherwise
 * @param atEdge         a rejection a gateway decided from committed records (header coupon.decided-by)
 * @param visibleNanos   System.nanoTime() when the poll returned it: when it became visible downstream
 */
public record ObservedDecision(String requestId, String eventId, String userId, boolean issued, String couponId,
                               long seq, String reason, String firstStatus, String firstRequestId, boolean atEdge,
                               long visibleNanos) {
    /** One the issuer decided. */
    public ObservedDecision(String requestId, String eventId, String userId, boolean issued, String couponId,
                            long seq, String reason, String firstStatus, String firstRequestId, long visibleNanos) {
        this(requestId, eventId, userId, issued, couponId, seq, reason, firstStatus, firstRequestId, false, visibleNanos);
    }

    InvariantJudge.LedgerDecision decision() {
        return new InvariantJudge.LedgerDecision(requestId, eventId, userId, issued, couponId, seq, reason, firstStatus,
                firstRequestId, atEdge);
    }
}
