package io.couponissuer.ops.transactions;

import org.apache.kafka.common.TopicPartition;

import java.util.Set;

/**
 * How a transaction ended according to the coordinator's log, with the records that say so.
 *
 * @param transactionalId null when the log held no record of it
 * @param partitions      the partitions the coordinator had registered for it (its last Ongoing record)
 * @param evidence        the transaction log records the verdict rests on, or why there is none
 * @param transactionVersion the client transaction version its records carry
 *                        ({@link TransactionStateLog#VERSION_UNKNOWN} when they do not say)
 */
public record TransactionOutcome(Ending kind, String transactionalId, Set<TopicPartition> partitions, String evidence,
                                 int transactionVersion) {
    public TransactionOutcome {
        partitions = Set.copyOf(partitions);
    }

    public enum Ending {
        /** It reached PrepareCommit: its other partitions hold (or were sent) COMMIT markers. */
        COMMITTED,
        /** It reached PrepareAbort (or an epoch fence): no partition of it holds a COMMIT marker. */
        ABORTED,
        /** The log does not say; nothing may be decided on a guess. */
        UNKNOWN
    }

    static TransactionOutcome unknown(String why) {
        return new TransactionOutcome(Ending.UNKNOWN, null, Set.of(), why, TransactionStateLog.VERSION_UNKNOWN);
    }
}
