package io.couponissuer.issuer;

import io.couponissuer.issuer.spread.ClaimWindow;
import io.couponissuer.kafka.FailedRecords;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.Rejection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A spread event's two stages wired in the real topology. TopologyTestDriver runs one partition, so
 * here that partition is both the users' stage-1 gate and the event's counter, and a claim or notice
 * written back to coupon.apply-requests is read again at once; the interleavings across partitions
 * are SpreadModelCheckTest's, and the real broker's SpreadIT's.
 */
class SpreadTopologyTest {
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

    private void defineSpread(String eventId, int cap) {
        issuer.define(new EventDefinition(eventId, cap, null, null, true));
    }

    @Test
    void theFirstCapApplicantsWinAndTheGateAnswersTheRestOnceItsWindowIsUsed() {
        defineSpread("hot", 3);
        List<String> users = IntStream.rangeClosed(1, 10).mapToObj(i -> "u" + i).toList();
        users.forEach(user -> issuer.applySpread("hot", user));

        assertThat(issuer.issued()).extracting(CouponIssued::userId).containsExactly("u1", "u2", "u3");
        assertThat(issuer.issued()).isEmpty();
        List<Rejection> rejected = issuer.rejected();
        assertThat(rejected).extracting(Rejection::userId).containsExactlyElementsOf(users.subList(3, 10));
        assertThat(rejected).allSatisfy(r -> assertThat(r.reason()).isEqualTo(RejectReason.SOLD_OUT));

        ClaimWindow gate = issuer.spreadGates().get("hot");
        assertThat(gate.counted()).as("three counted claims, the window").isEqualTo(3);
        assertThat(gate.window()).isEqualTo(3);
        assertThat(gate.soldOut()).as("the counter's notice arrived").isTrue();
        assertThat(issuer.spreadClaimants().get("hot/u4")).as("a user answered by the gate is not remembered").isNull();
        assertThat(issuer.spreadClaimants().get("hot/u1")).isNotNull();
        assertThat(issuer.eventRecords()).as("the definition as taken, and again when it sold out")
                .extracting(record -> IssuerDriver.issuedCount(record)).containsExactly(0L, 3L);
        assertThat(issuer.events()).isEmpty();
    }

    @Test
    void theGateAnswersAHoldersRepeatDuplicateWithItsCouponOnceTheCounterReportedIt() {
        defineSpread("hot", 1);
        String first = issuer.applySpread("hot", "u1");
        issuer.applySpread("hot", "u2");
        issuer.writtenBackTypes();
        issuer.applySpread("hot", "u1");

        assertThat(issuer.writtenBackTypes()).as("the repeat went to no counter").isEmpty();
        assertThat(issuer.issued()).singleElement().satisfies(c -> assertThat(c.requestId()).isEqualTo(first));
        List<Rejection> rejected = issuer.rejected();
        assertThat(rejected).extracting(Rejection::reason).containsExactly(RejectReason.SOLD_OUT, RejectReason.DUPLICATE);
        assertThat(rejected.get(1).firstDecision().requestId()).isEqualTo(first);
        assertThat(issuer.spreadClaimants().get("hot/u1").holder()).isTrue();
    }

    @Test
    void eachClaimCostsTheCounterOneRecordAndComesBackAsOneOutcome() {
        defineSpread("hot", 2);
        assertThat(issuer.writtenBackTypes()).as("the window and nothing else")
                .containsExactly(io.couponissuer.kafka.IssuerCommandSerde.TYPE_WINDOW_OPENED);
        issuer.applySpread("hot", "u1");
        assertThat(issuer.writtenBackTypes()).containsExactly(io.couponissuer.kafka.IssuerCommandSerde.TYPE_CLAIM,
                io.couponissuer.kafka.IssuerCommandSerde.TYPE_CLAIM_DECIDED);
        issuer.applySpread("hot", "u2");
        assertThat(issuer.writtenBackTypes()).as("the second coupon sells the event out").containsExactly(
                io.couponissuer.kafka.IssuerCommandSerde.TYPE_CLAIM, io.couponissuer.kafka.IssuerCommandSerde.TYPE_EVENT_SOLD_OUT,
                io.couponissuer.kafka.IssuerCommandSerde.TYPE_CLAIM_DECIDED);
        issuer.applySpread("hot", "u3");
        assertThat(issuer.writtenBackTypes()).as("answered by the gate").isEmpty();
    }

    @Test
    void anApplicationKeyedByTheEventIsSentOnToItsUsersGateAndDecidedTheSame() {
        defineSpread("hot", 1);
        String viaEventKey = issuer.apply("hot", "u1"); // a gateway that did not know the event is spread
        issuer.apply("hot", "u2");

        assertThat(issuer.issued()).singleElement().satisfies(c -> assertThat(c.requestId()).isEqualTo(viaEventKey));
        assertThat(issuer.rejected()).extracting(Rejection::reason).containsExactly(RejectReason.SOLD_OUT);
        assertThat(issuer.spreadClaimants().get("hot/u1")).as("it passed the gate").isNotNull();
    }

    @Test
    void beforeTheDefinitionAnApplicationIsUnknownAndItsUserMayStillWinAfterIt() {
        issuer.applySpread("hot", "early");
        assertThat(issuer.spreadClaimants().get("hot/early")).as("its claim ended without a coupon: forgotten").isNull();
        defineSpread("hot", 1);
        String later = issuer.applySpread("hot", "early");

        assertThat(issuer.rejected()).extracting(Rejection::reason).containsExactly(RejectReason.EVENT_UNKNOWN);
        assertThat(issuer.issued()).singleElement().satisfies(c -> assertThat(c.requestId()).isEqualTo(later));
    }

    @Test
    void aRaisedCapOpensANewWindowAndASoldOutUserMayWin() {
        defineSpread("hot", 1);
        String first = issuer.applySpread("hot", "u1");
        issuer.applySpread("hot", "u2");
        defineSpread("hot", 2);
        String again = issuer.applySpread("hot", "u2");
        issuer.applySpread("hot", "u3");

        assertThat(issuer.issued()).extracting(CouponIssued::seq, CouponIssued::userId, CouponIssued::requestId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "u1", first),
                        org.assertj.core.groups.Tuple.tuple(2L, "u2", again));
        assertThat(issuer.issued()).isEmpty();
        assertThat(issuer.rejected()).extracting(Rejection::userId, Rejection::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("u2", RejectReason.SOLD_OUT),
                org.assertj.core.groups.Tuple.tuple("u3", RejectReason.SOLD_OUT));
        assertThat(issuer.spreadGates().get("hot").window()).as("cap 2 with 1 issued").isEqualTo(1);
    }

    @Test
    void aLoweredCapSellsTheEventOutAtEveryGateAtOnce() {
        defineSpread("hot", 5);
        issuer.applySpread("hot", "u1");
        issuer.applySpread("hot", "u2");
        defineSpread("hot", 2);
        issuer.applySpread("hot", "u3");

        ClaimWindow gate = issuer.spreadGates().get("hot");
        assertThat(gate.window()).isZero();
        assertThat(gate.soldOut()).isTrue();
        assertThat(issuer.issued()).hasSize(2);
        assertThat(issuer.rejected()).extracting(Rejection::reason).containsExactly(RejectReason.SOLD_OUT);
    }

    @Test
    void theGateAnswersNotOpenAndClosedWithoutRememberingTheUser() {
        java.time.Instant opens = issuer.now().plusSeconds(60);
        issuer.define(new EventDefinition("hot", 5, opens, null, true));
        issuer.applySpread("hot", "u1");

        assertThat(issuer.rejected()).extracting(Rejection::reason).containsExactly(RejectReason.NOT_OPEN);
        assertThat(issuer.spreadClaimants().get("hot/u1")).isNull();
        assertThat(issuer.spreadGates().get("hot").counted()).isZero();
    }

    @Test
    void spreadIsChosenOnceARedefinitionKeepsIt() {
        defineSpread("hot", 1);
        issuer.define(new EventDefinition("hot", 2, null, null, false));
        issuer.define("plain", 1);
        issuer.define(new EventDefinition("plain", 1, null, null, true));

        assertThat(issuer.events()).extracting(EventDefinition::eventId, EventDefinition::isSpread).containsExactly(
                org.assertj.core.groups.Tuple.tuple("hot", true), org.assertj.core.groups.Tuple.tuple("hot", true),
                org.assertj.core.groups.Tuple.tuple("plain", false), org.assertj.core.groups.Tuple.tuple("plain", false));
        assertThat(issuer.spreadGates().get("plain")).as("a plain event opens no window").isNull();
    }

    @Test
    void anApplicationOfAPlainEventKeyedByTheUserIsStillDecidedExactly() {
        issuer.define("plain", 1);
        issuer.applySpread("plain", "u1");
        issuer.applySpread("plain", "u2");
        issuer.applySpread("plain", "u1");

        assertThat(issuer.issued()).extracting(CouponIssued::userId).containsExactly("u1");
        assertThat(issuer.rejected()).extracting(Rejection::reason)
                .containsExactly(RejectReason.SOLD_OUT, RejectReason.DUPLICATE);
    }

    @Test
    void aDefinitionKeyedByAUserGoesToTheFailedTopic() {
        issuer.pipe("hot/u1", new EventDefinition("hot", 1, null, null, true));
        issuer.pipe("other/u1", new ApplyRequest("r-x", "hot", "u1", issuer.now()));

        assertThat(issuer.failed()).hasSize(2).allSatisfy(failed -> assertThat(
                new String(failed.headers().lastHeader(FailedRecords.MESSAGE).value())).contains("key"));
        assertThat(issuer.events()).isEmpty();
    }
}
