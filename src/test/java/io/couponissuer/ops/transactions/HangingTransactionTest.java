package io.couponissuer.ops.transactions;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The guard writes a marker only for a transaction that is ours; anything else is named with the remedy. */
class HangingTransactionTest {
    private static final TopicPartition STUCK = new TopicPartition("coupon.apply-requests", 1);
    private static final OwnTransactionalIds OWN = new OwnTransactionalIds("coupon-issuer");
    private static final String OURS = "coupon-issuer-6f1c2b3a-0d4e-4f5a-8b6c-7d8e9fa0b1c2-1";

    private static HangingTransaction hanging(TransactionOutcome.Ending kind, String transactionalId, int version) {
        TransactionOutcome outcome = new TransactionOutcome(kind, transactionalId, Set.of(STUCK), "the log's records", version);
        return new HangingTransaction(STUCK.topic(), STUCK.partition(), 7, 3, 0, 40, 41, Instant.EPOCH, Instant.EPOCH,
                "CompleteAbort at epoch 4", true, outcome, OWN.judge(transactionalId, version));
    }

    @Test
    void oursIsRepairedAsTheLogSays() {
        assertThat(hanging(TransactionOutcome.Ending.ABORTED, OURS, 2).safeToAbort()).isTrue();
        assertThat(hanging(TransactionOutcome.Ending.COMMITTED, OURS, 2).safeToCommit()).isTrue();
    }

    @Test
    void anotherApplicationsIsNamedWithTheRemedyAndNeverRepaired() {
        for (TransactionOutcome.Ending kind : TransactionOutcome.Ending.values()) {
            HangingTransaction foreign = hanging(kind, "integrator-7", 2);
            assertThat(foreign.safeToAbort()).as(kind.name()).isFalse();
            assertThat(foreign.safeToCommit()).as(kind.name()).isFalse();
            assertThat(foreign.describe(Instant.EPOCH, "broker:9092")).as(kind.name()).contains(
                    "not repaired: transactional id integrator-7 is not this application's",
                    "The transaction log says " + kind, "after checking with its owner",
                    "kafka-transactions.sh --bootstrap-server broker:9092 abort --topic coupon.apply-requests"
                            + " --partition 1 --start-offset 40");
        }
    }

    @Test
    void oursUnderTransactionVersion1IsNotRepaired() {
        HangingTransaction version1 = hanging(TransactionOutcome.Ending.ABORTED, OURS, 1);
        assertThat(version1.safeToAbort()).isFalse();
        assertThat(hanging(TransactionOutcome.Ending.COMMITTED, OURS, TransactionStateLog.VERSION_UNKNOWN).safeToCommit())
                .isFalse();
        assertThat(version1.describe(Instant.EPOCH, "broker:9092")).contains("not repaired: transactional id " + OURS
                + " is this application's, but its transaction used transaction version 1", "kafka-transactions.sh");
    }
}
