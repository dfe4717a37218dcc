package io.couponissuer.ops.transactions;

import io.couponissuer.ops.transactions.TransactionStateLog.State;
import io.couponissuer.ops.transactions.TransactionStateLog.Transition;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The verdict on a hanging transaction, from the coordinator's log as kafka-dump-log shows it. */
class TransactionStateLogTest {
    private static final TopicPartition LOG = new TopicPartition(TransactionStateLog.TOPIC, 3);
    private static final TopicPartition CHANGELOG = new TopicPartition("coupon-issuer-decisions-changelog", 4);
    private static final TopicPartition OUTPUT = new TopicPartition("coupon.rejected", 4);
    private static final TopicPartition OFFSETS = new TopicPartition("__consumer_offsets", 2);

    private final List<Transition> log = new ArrayList<>();

    private TransactionStateLogTest add(String id, State state, long producerId, int epoch, TopicPartition... partitions) {
        return add(2, id, state, producerId, epoch, partitions);
    }

    private TransactionStateLogTest add(int version, String id, State state, long producerId, int epoch,
                                        TopicPartition... partitions) {
        log.add(new Transition(id, LOG, log.size(), Instant.EPOCH, state, producerId, (short) epoch, Set.of(partitions),
                version));
        return this;
    }

    @Test
    void transactionVersion2CommitIsCommittedWithItsPartitions() {
        // The capture of issue 9: Ongoing at 2917 (partitions added one by one), PrepareCommit at 2918.
        add("t", State.EMPTY, 2, 2917).add("t", State.ONGOING, 2, 2917, CHANGELOG)
                .add("t", State.ONGOING, 2, 2917, CHANGELOG, OUTPUT, OFFSETS)
                .add("t", State.PREPARE_COMMIT, 2, 2918, CHANGELOG, OUTPUT, OFFSETS)
                .add("t", State.COMPLETE_COMMIT, 2, 2918).add("t", State.EMPTY, 2, 2919);
        TransactionOutcome outcome = TransactionStateLog.outcome(log, 2, (short) 2917);
        assertThat(outcome.kind()).isEqualTo(TransactionOutcome.Ending.COMMITTED);
        assertThat(outcome.partitions()).containsExactlyInAnyOrder(CHANGELOG, OUTPUT, OFFSETS);
        assertThat(outcome.evidence()).contains("@2 ONGOING", "@3 PREPARE_COMMIT");
    }

    @Test
    void transactionVersion1CommitKeepsItsEpoch() {
        add("t", State.ONGOING, 7, 3, OUTPUT).add("t", State.PREPARE_COMMIT, 7, 3, OUTPUT).add("t", State.COMPLETE_COMMIT, 7, 3);
        assertThat(TransactionStateLog.outcome(log, 7, (short) 3).kind()).isEqualTo(TransactionOutcome.Ending.COMMITTED);
    }

    @Test
    void theOutcomeCarriesTheTransactionVersionItsRecordsAgreeOn() {
        add(2, "t", State.ONGOING, 2, 10, OUTPUT).add(2, "t", State.PREPARE_ABORT, 2, 11, OUTPUT)
                .add(1, "t", State.ONGOING, 2, 12, OUTPUT).add(1, "t", State.PREPARE_COMMIT, 2, 12, OUTPUT)
                .add(TransactionStateLog.VERSION_UNKNOWN, "t", State.ONGOING, 2, 13, OUTPUT)
                .add(TransactionStateLog.VERSION_UNKNOWN, "t", State.PREPARE_COMMIT, 2, 13, OUTPUT)
                .add(1, "t", State.ONGOING, 2, 14, OUTPUT).add(2, "t", State.PREPARE_COMMIT, 2, 15, OUTPUT);
        assertThat(TransactionStateLog.outcome(log, 2, (short) 10).transactionVersion()).isEqualTo(2);
        assertThat(TransactionStateLog.outcome(log, 2, (short) 12).transactionVersion()).isEqualTo(1);
        assertThat(TransactionStateLog.outcome(log, 2, (short) 13).transactionVersion())
                .as("value version 0 records do not say").isEqualTo(TransactionStateLog.VERSION_UNKNOWN);
        assertThat(TransactionStateLog.outcome(log, 2, (short) 14).transactionVersion())
                .as("records that disagree do not say either").isEqualTo(TransactionStateLog.VERSION_UNKNOWN);
        assertThat(TransactionStateLog.outcome(log, 2, (short) 99).transactionVersion())
                .as("no record of it").isEqualTo(TransactionStateLog.VERSION_UNKNOWN);
    }

    @Test
    void abortsAndEpochFencesAreAborted() {
        add("t", State.ONGOING, 2, 10, OUTPUT).add("t", State.PREPARE_ABORT, 2, 11, OUTPUT)
                .add("t", State.ONGOING, 2, 12, OUTPUT).add("t", State.PREPARE_EPOCH_FENCE, 2, 12, OUTPUT);
        assertThat(TransactionStateLog.outcome(log, 2, (short) 10).kind()).isEqualTo(TransactionOutcome.Ending.ABORTED);
        assertThat(TransactionStateLog.outcome(log, 2, (short) 12).kind()).isEqualTo(TransactionOutcome.Ending.ABORTED);
    }

    @Test
    void theVerdictIsThatOfTheHangingEpochNotOfALaterTransaction() {
        add("t", State.ONGOING, 2, 186, CHANGELOG).add("t", State.PREPARE_ABORT, 2, 187, CHANGELOG)
                .add("t", State.ONGOING, 2, 188, CHANGELOG).add("t", State.PREPARE_COMMIT, 2, 189, CHANGELOG);
        assertThat(TransactionStateLog.outcome(log, 2, (short) 186).kind()).isEqualTo(TransactionOutcome.Ending.ABORTED);
        assertThat(TransactionStateLog.outcome(log, 2, (short) 188).kind()).isEqualTo(TransactionOutcome.Ending.COMMITTED);
    }

    @Test
    void withoutItsOngoingRecordOrAnEndTheLogCannotTell() {
        add("t", State.COMPLETE_COMMIT, 2, 50).add("u", State.ONGOING, 9, 1, OUTPUT);
        assertThat(TransactionStateLog.outcome(log, 2, (short) 49).kind())
                .as("compacted away").isEqualTo(TransactionOutcome.Ending.UNKNOWN);
        assertThat(TransactionStateLog.outcome(log, 9, (short) 1).kind())
                .as("not decided yet").isEqualTo(TransactionOutcome.Ending.UNKNOWN);
        assertThat(TransactionStateLog.outcome(log, 3, (short) 1).kind())
                .as("a producer the log never saw").isEqualTo(TransactionOutcome.Ending.UNKNOWN);
    }

    @Test
    void severalTransactionsAtOneEpochCannotBeToldApart() {
        // Transaction version 1: a live producer keeps its epoch. The first committed (this partition's
        // marker may be the one lost), the second aborted: the log cannot say which left it open.
        add("t", State.ONGOING, 2, 7, CHANGELOG, OUTPUT).add("t", State.PREPARE_COMMIT, 2, 7, CHANGELOG, OUTPUT)
                .add("t", State.COMPLETE_COMMIT, 2, 7).add("t", State.ONGOING, 2, 7, OUTPUT)
                .add("t", State.PREPARE_ABORT, 2, 7, OUTPUT).add("t", State.COMPLETE_ABORT, 2, 7);
        TransactionOutcome outcome = TransactionStateLog.outcome(log, 2, (short) 7);
        assertThat(outcome.kind()).isEqualTo(TransactionOutcome.Ending.UNKNOWN);
        assertThat(outcome.evidence()).contains("2 transactions");
    }

    @Test
    void recordsOfOtherTransactionalIdsInBetweenDoNotDecide() {
        add("t", State.ONGOING, 2, 5, OUTPUT).add("other", State.PREPARE_COMMIT, 8, 1, OUTPUT)
                .add("t", State.PREPARE_ABORT, 2, 6, OUTPUT);
        assertThat(TransactionStateLog.outcome(log, 2, (short) 5).kind()).isEqualTo(TransactionOutcome.Ending.ABORTED);
    }
}
