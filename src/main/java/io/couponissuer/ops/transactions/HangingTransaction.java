package io.couponissuer.ops.transactions;

import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;

/**
 * An open transaction on a partition that its coordinator no longer holds open there: Kafka will
 * never write its marker, so the partition's last stable offset stays at {@code startOffset} and
 * every read_committed reader (the issuer's restore, the writer) stops there.
 *
 * @param producerId       the producer that wrote it (from the partition leader's producer state)
 * @param producerEpoch    the epoch its records carry
 * @param coordinatorEpoch the coordinator epoch of the producer's last marker on this partition (-1 if none)
 * @param startOffset      the first offset of the open transaction = the stuck last stable offset
 * @param endOffset        the partition's log end (high watermark) at the scan
 * @param lastWriteAt      when the producer last wrote to this partition
 * @param firstSeenAt      when this process first saw it not held open by the coordinator
 * @param coordinator      what the coordinator says of this producer now (transactional id, state, epoch)
 * @param confirmed        seen on two looks at least the confirmation delay apart
 * @param outcome          how the transaction ended per {@code __transaction_state} (null until confirmed)
 * @param ownership        whether it is this application's to repair (null until confirmed)
 */
public record HangingTransaction(String topic, int partition, long producerId, int producerEpoch, int coordinatorEpoch,
                                 long startOffset, long endOffset, Instant lastWriteAt, Instant firstSeenAt,
                                 String coordinator, boolean confirmed, TransactionOutcome outcome,
                                 TransactionOwnership ownership) {
    static final Comparator<TopicPartition> PARTITION_ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    /** How long the partition has been stuck, from the producer's last write there. */
    public Duration age(Instant now) {
        return Duration.between(lastWriteAt, now).isNegative() ? Duration.ZERO : Duration.between(lastWriteAt, now);
    }

    /** This application's, under transaction version 2: the only kind the guard may write a marker for. */
    public boolean ours() {
        return confirmed && ownership != null && ownership.ours();
    }

    /** Safe to abort automatically: ours, and its transaction was aborted everywhere else. */
    public boolean safeToAbort() {
        return ours() && outcome != null && outcome.kind() == TransactionOutcome.Ending.ABORTED;
    }

    /**
     * Safe to commit automatically: ours, its transaction reached PrepareCommit, and the
     * coordinator had this very partition registered in it, so the COMMIT marker was owed here and
     * lost (KAFKA-20734); writing it completes the transaction as the coordinator decided.
     */
    public boolean safeToCommit() {
        return ours() && outcome != null && outcome.kind() == TransactionOutcome.Ending.COMMITTED
                && outcome.partitions().contains(topicPartition());
    }

    /** The operator's command that writes the missing ABORT marker (what the automatic repair does). */
    public String abortCommand(String bootstrapServers) {
        return "kafka-transactions.sh --bootstrap-server " + bootstrapServers + " abort --topic " + topic
                + " --partition " + partition + " --start-offset " + startOffset;
    }

    /** One line for logs, readiness and `lag`: where, who, since when, what the log says, what to do. */
    public String describe(Instant now, String bootstrapServers) {
        StringBuilder s = new StringBuilder()
                .append("hanging transaction on ").append(topic).append('-').append(partition)
                .append(" from offset ").append(startOffset).append(" (log end ").append(endOffset)
                .append("; producer ").append(producerId).append(" epoch ").append(producerEpoch)
                .append(", open ").append(age(now).toSeconds()).append(" s; coordinator: ").append(coordinator).append(')');
        if (!confirmed) {
            return s.append(": not yet confirmed by a second look").toString();
        }
        return s.append(": ").append(verdict(bootstrapServers)).toString();
    }

    /** What the transaction log says and what follows from it for the operator. */
    public String verdict(String bootstrapServers) {
        if (outcome == null) {
            return "transaction log not read yet";
        }
        if (ownership != null && !ownership.ours()) {
            return "not repaired: " + ownership.reason() + ". The transaction log says " + outcome.kind() + " ("
                    + outcome.evidence() + "). Remedy: after checking with its owner that this transaction is over"
                    + " (an abort drops its records from offset " + startOffset + " even if it committed elsewhere), run: "
                    + abortCommand(bootstrapServers);
        }
        return switch (outcome.kind()) {
            case ABORTED -> "its transaction was aborted (" + outcome.evidence() + "), so writing the missing ABORT"
                    + " marker loses nothing; the issuer does this by itself, or run: " + abortCommand(bootstrapServers);
            case COMMITTED -> safeToCommit()
                    ? "its transaction COMMITTED with this partition in it (" + outcome.evidence() + ") and the COMMIT"
                    + " marker never arrived (KAFKA-20734); an abort would drop records of a committed transaction,"
                    + " so the issuer writes the lost COMMIT marker itself (COUPON_HANGING_TXN_REPAIR=auto)"
                    : "its transaction COMMITTED on other partitions (" + outcome.evidence() + ") but the coordinator"
                    + " never had this partition in it, so neither marker is provably right and nothing is written"
                    + " automatically. An abort (" + abortCommand(bootstrapServers) + ") drops these records: first"
                    + " check them with kafka-dump-log (docs/operations.md#hanging-transactions)";
            case UNKNOWN -> "the transaction log cannot tell whether it committed (" + outcome.evidence() + "), so it is"
                    + " not aborted automatically. If it is known to have been aborted, run: "
                    + abortCommand(bootstrapServers);
        };
    }
}
