package io.couponissuer.issuer;

import io.couponissuer.kafka.FailedRecords;
import io.couponissuer.kafka.IssuerCommandSerde;
import io.couponissuer.kafka.RecordAuthenticator;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.Claim;
import io.couponissuer.message.ClaimDecided;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.StandingDecision;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.EventSoldOut;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.Rejection;
import io.couponissuer.message.WindowOpened;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #21, records nobody can forge: a producer that may write coupon.apply-requests cannot write
 * what only gateways and issuers may (definitions, claims, claim outcomes, window and sold-out
 * notices), and its applications are taken as made when the broker appended them.
 */
class ForgedRecordTest {
    @TempDir
    Path stateDir;
    IssuerDriver issuer;

    @BeforeEach
    void start() {
        issuer = new IssuerDriver(stateDir);
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    /** Sends a record as a plain producer would: the type header, no authenticator (or one of another key). */
    private void forge(String key, IssuerCommand command, RecordAuthenticator foreignKey) {
        RecordHeaders headers = new RecordHeaders();
        byte[] value = new IssuerCommandSerde(foreignKey).serialize(Topics.APPLY_REQUESTS.name(), headers, command);
        issuer.pipeRaw(key.getBytes(StandardCharsets.UTF_8), value, headers);
    }

    private void assertRefused(int records) {
        List<TestRecord<byte[], byte[]>> failed = issuer.failed();
        assertThat(failed).hasSize(records);
        assertThat(failed).allSatisfy(record -> assertThat(FailedRecords.header(record.headers(), FailedRecords.MESSAGE))
                .contains(RecordAuthenticator.HEADER).contains("only gateways and issuers may write"));
    }

    @Test
    void aForgedDefinitionChangesNothing() {
        issuer.define("e", 1);
        forge("e", new EventDefinition("e", 1000, null, null), null);
        forge("e", new EventDefinition("e", 1000, null, null),
                RecordAuthenticator.parse(RecordAuthenticator.randomSetting()));
        forge("made-up", new EventDefinition("made-up", 5, null, null), null);
        assertRefused(3);

        issuer.apply("e", "u-1");
        issuer.apply("e", "u-2");
        issuer.apply("made-up", "u-1");
        assertThat(issuer.issued()).extracting(CouponIssued::userId).containsExactly("u-1");
        assertThat(issuer.rejected()).extracting(Rejection::reason)
                .containsExactly(RejectReason.SOLD_OUT, RejectReason.EVENT_UNKNOWN);
    }

    @Test
    void forgedClaimsOutcomesAndNoticesChangeNothing() {
        issuer.define(new EventDefinition("s", 2, null, null, true));
        issuer.writtenBackTypes(); // the counter's own notices
        ApplyRequest made = new ApplyRequest("r-forged", "s", "u-1", issuer.now());
        forge("s", new Claim(made, true), null);
        CouponIssued fake = new CouponIssued("s-1", "s", "u-2", "r-x", 1, issuer.now());
        forge("s/u-2", new ClaimDecided("s", "u-2", StandingDecision.issued(fake)), null);
        forge("s", new WindowOpened("s", Long.MAX_VALUE, 2, 0, null, null), null);
        forge("s", new EventSoldOut("s", 2), null);
        assertRefused(4);
        assertThat(issuer.issued()).isEmpty();
        assertThat(issuer.writtenBackTypes()).as("nothing derived from a forged record").isEmpty();

        issuer.applySpread("s", "u-2");
        issuer.applySpread("s", "u-3");
        assertThat(issuer.issued()).extracting(CouponIssued::userId).containsExactly("u-2", "u-3");
    }

    @Test
    void anUnsignedApplicationIsTakenAsMadeWhenTheBrokerAppendedIt() {
        issuer.define(new EventDefinition("w", 5, null, IssuerDriver.T0.plusMillis(10)));
        for (int i = 0; i < 20; i++) {
            issuer.apply("other", "u-" + i); // time passes: the window closed at T0 + 10 ms
        }
        issuer.rejected();
        ApplyRequest backdated = new ApplyRequest("r-back", "w", "u-1", IssuerDriver.T0);
        forge("w", backdated, null);
        issuer.pipe("w", new ApplyRequest("r-gateway", "w", "u-2", IssuerDriver.T0));

        assertThat(issuer.failed()).isEmpty();
        assertThat(issuer.rejected()).extracting(Rejection::requestId, Rejection::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("r-back", RejectReason.CLOSED));
        assertThat(issuer.issued()).as("a gateway's requestedAt is its own").extracting(CouponIssued::requestId)
                .containsExactly("r-gateway");
    }

    @Test
    void anApplicationWithAForgedAuthenticatorIsRefused() {
        issuer.define("e", 5);
        forge("e", new ApplyRequest("r-1", "e", "u-1", issuer.now()),
                RecordAuthenticator.parse(RecordAuthenticator.randomSetting()));
        assertRefused(1);
        assertThat(issuer.issued()).isEmpty();
    }
}
