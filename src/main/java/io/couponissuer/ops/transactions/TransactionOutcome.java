package io.couponissuer.ops.transactions;

/**
 * How a transaction ended according to the coordinator's log, with the records that say so.
 *
 * @param transactionalId null when the log held no record of it
 * @param evidence        the transaction log records the verdict rests on, or why there is none
 */
public record TransactionOutcome(Kind kind, String transactionalId, String evidence) {
    public enum Kind {
        /** It reached PrepareCommit: its other partitions hold (or were sent) COMMIT markers. */
        COMMITTED,
        /** It reached PrepareAbort (or an epoch fence): no partition of it holds a COMMIT marker. */
        ABORTED,
        /** The log does not say; nothing may be decided on a guess. */
        UNKNOWN
    }

    static TransactionOutcome unknown(String why) {
        return new TransactionOutcome(Kind.UNKNOWN, null, why);
    }
}
