package io.couponissuer.ops.transactions;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Only this application's Kafka Streams producers, under transaction version 2, are the guard's to repair. */
class OwnTransactionalIdsTest {
    private static final OwnTransactionalIds OWN = new OwnTransactionalIds("coupon-issuer");
    private static final String STREAMS_ID = "coupon-issuer-" + UUID.fromString("6f1c2b3a-0d4e-4f5a-8b6c-7d8e9fa0b1c2") + "-1";

    @Test
    void theIssuersStreamsProducersAreOursUnderTransactionVersion2() {
        assertThat(OWN.matches(STREAMS_ID)).isTrue();
        assertThat(OWN.matches("coupon-issuer-" + UUID.randomUUID() + "-12")).isTrue();
        TransactionOwnership ownership = OWN.judge(STREAMS_ID, 2);
        assertThat(ownership.kind()).isEqualTo(TransactionOwnership.Finding.OURS);
        assertThat(ownership.ours()).isTrue();
        assertThat(ownership.reason()).isEmpty();
    }

    @Test
    void otherApplicationsIdsAreForeignWhateverTheirVersion() {
        for (String id : new String[] {"integrator-producer-1", "coupon-issuer", "coupon-issuer-",
                "other-" + STREAMS_ID.substring("coupon-issuer-".length()),
                // a neighbour whose application.id merely starts with ours
                "coupon-issuer-replay-" + UUID.randomUUID() + "-1",
                "coupon-issuer-" + UUID.randomUUID(), "coupon-issuer-" + UUID.randomUUID() + "-",
                "coupon-issuer-" + UUID.randomUUID() + "-1x", "Coupon-issuer-" + UUID.randomUUID() + "-1",
                "coupon-issuer-" + UUID.randomUUID().toString().toUpperCase() + "-1"}) {
            assertThat(OWN.matches(id)).as(id).isFalse();
            TransactionOwnership ownership = OWN.judge(id, 2);
            assertThat(ownership.kind()).as(id).isEqualTo(TransactionOwnership.Finding.FOREIGN);
            assertThat(ownership.reason()).as(id).contains("transactional id " + id + " is not this application's",
                    "coupon-issuer-<process uuid>-<thread index>");
        }
        assertThat(OWN.judge(null, 2).kind()).as("no id known").isEqualTo(TransactionOwnership.Finding.FOREIGN);
        assertThat(OWN.judge(null, 2).reason()).contains("no transactional id is known");
    }

    @Test
    void oursUnderAnotherOrAnUnknownTransactionVersionIsLeftAlone() {
        TransactionOwnership version1 = OWN.judge(STREAMS_ID, 1);
        assertThat(version1.kind()).isEqualTo(TransactionOwnership.Finding.NOT_VERSION_2);
        assertThat(version1.ours()).isFalse();
        assertThat(version1.reason()).contains(STREAMS_ID, "transaction version 1");
        assertThat(OWN.judge(STREAMS_ID, 0).kind()).isEqualTo(TransactionOwnership.Finding.NOT_VERSION_2);
        TransactionOwnership unknown = OWN.judge(STREAMS_ID, TransactionStateLog.VERSION_UNKNOWN);
        assertThat(unknown.kind()).isEqualTo(TransactionOwnership.Finding.NOT_VERSION_2);
        assertThat(unknown.reason()).contains("does not record its transaction version");
    }
}
