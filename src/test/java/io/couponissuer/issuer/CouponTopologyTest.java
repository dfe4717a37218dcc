package io.couponissuer.issuer;

import io.couponissuer.kafka.FailedRecords;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.StandingDecision;
import io.couponissuer.message.EventUserKey;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.Rejection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The first-come-first-served rules on the real topology (DESIGN invariants 1, 2, 3 and 6). */
class CouponTopologyTest {
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

    @Test
    void thousandUsersForCapHundredIssueTheFirstHundredInArrivalOrder() {
        issuer.define("spring-sale", 100);
        List<String> users = IntStream.rangeClosed(1, 1000).mapToObj(i -> "u-" + i).toList();
        users.forEach(user -> issuer.apply("spring-sale", user));

        List<CouponIssued> issued = issuer.issued();
        assertThat(issued).extracting(CouponIssued::userId).containsExactlyElementsOf(users.subList(0, 100));
        assertThat(issued).extracting(CouponIssued::seq)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 100).boxed().toList());
        assertThat(issued).allSatisfy(c -> assertThat(c.couponId()).isEqualTo("spring-sale-" + c.seq()));

        List<Rejection> rejected = issuer.rejected();
        assertThat(rejected).hasSize(900).allSatisfy(r -> assertThat(r.reason()).isEqualTo(RejectReason.SOLD_OUT));
        assertThat(rejected).extracting(Rejection::userId).containsExactlyElementsOf(users.subList(100, 1000));
        assertThat(issuer.issuedCounts().get("spring-sale")).isEqualTo(100L);
        assertThat(issuer.decisions().get(EventUserKey.of("spring-sale", "u-1000")))
                .as("a sold-out applicant is not recorded").isNull();
    }

    @Test
    void aHoldersRepeatsAreDuplicatesOfItsCouponAndASoldOutUsersRepeatsAreSoldOutAgain() {
        issuer.define("e", 50);
        Random random = new Random(42);
        List<String> arrivals = new ArrayList<>();
        for (int u = 1; u <= 200; u++) {
            int times = 1 + random.nextInt(5);
            for (int t = 0; t < times; t++) {
                arrivals.add("u-" + u);
            }
        }
        java.util.Collections.shuffle(arrivals, random);
        Map<String, String> firstRequest = new HashMap<>();
        for (String user : arrivals) {
            String requestId = issuer.apply("e", user);
            firstRequest.putIfAbsent(user, requestId);
        }

        List<CouponIssued> issued = issuer.issued();
        List<Rejection> rejected = issuer.rejected();
        assertThat(issued.size() + rejected.size()).isEqualTo(arrivals.size());
        assertThat(issued).hasSize(50);
        assertThat(issued).extracting(CouponIssued::userId).doesNotHaveDuplicates();
        // A holder won with its first request (any earlier one would have won too); the cap never
        // changed, so a user whose first request came after the sell-out is sold out every time.
        issued.forEach(c -> assertThat(c.requestId()).isEqualTo(firstRequest.get(c.userId())));
        java.util.Set<String> holders = issued.stream().map(CouponIssued::userId).collect(Collectors.toSet());
        rejected.forEach(r -> {
            if (holders.contains(r.userId())) {
                assertThat(r.reason()).isEqualTo(RejectReason.DUPLICATE);
                assertThat(r.firstDecision().requestId()).isEqualTo(firstRequest.get(r.userId()));
                assertThat(r.requestId()).isNotEqualTo(firstRequest.get(r.userId()));
            } else {
                assertThat(r.reason()).isEqualTo(RejectReason.SOLD_OUT);
            }
        });
        assertThat(rejected).extracting(Rejection::reason).contains(RejectReason.DUPLICATE, RejectReason.SOLD_OUT);
    }

    @Test
    void eventsWithDifferentCapsStayIndependent() {
        Map<String, Integer> caps = new LinkedHashMap<>();
        caps.put("cap0", 0);
        caps.put("cap1", 1);
        caps.put("cap7", 7);
        caps.put("cap100", 100);
        caps.forEach(issuer::define);
        for (int u = 1; u <= 150; u++) {
            for (String event : caps.keySet()) {
                issuer.apply(event, "u-" + u);
            }
        }
        Map<String, List<CouponIssued>> byEvent = issuer.issued().stream()
                .collect(Collectors.groupingBy(CouponIssued::eventId));
        caps.forEach((event, cap) -> {
            List<CouponIssued> coupons = byEvent.getOrDefault(event, List.of());
            assertThat(coupons).as(event).hasSize(cap);
            assertThat(coupons).extracting(CouponIssued::seq)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, cap).boxed().toList());
            assertThat(coupons).extracting(CouponIssued::userId)
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, cap).mapToObj(i -> "u-" + i).toList());
        });
        Map<String, Long> soldOut = issuer.rejected().stream()
                .peek(r -> assertThat(r.reason()).isEqualTo(RejectReason.SOLD_OUT))
                .collect(Collectors.groupingBy(Rejection::eventId, Collectors.counting()));
        caps.forEach((event, cap) -> assertThat(soldOut.getOrDefault(event, 0L)).as(event).isEqualTo(150L - cap));
    }

    @Test
    void applicationsBeforeTheEventExistAreUnknownAndDoNotBlockLaterSuccess() {
        issuer.apply("late", "u-1");
        issuer.apply("late", "u-1");
        assertThat(issuer.rejected()).extracting(Rejection::reason)
                .containsExactly(RejectReason.EVENT_UNKNOWN, RejectReason.EVENT_UNKNOWN);
        assertThat(issuer.decisions().get(EventUserKey.of("late", "u-1"))).isNull();

        issuer.define("late", 1);
        issuer.apply("late", "u-1");
        assertThat(issuer.issued()).extracting(CouponIssued::userId, CouponIssued::seq)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("u-1", 1L));
    }

    @Test
    void anApplicationRightAfterTheDefinitionIsDecidedAgainstIt() {
        // Definition and application travel on one partition, so no gap can reorder them.
        for (int i = 0; i < 100; i++) {
            issuer.define("burst-" + i, 1);
            issuer.apply("burst-" + i, "u-1");
        }
        assertThat(issuer.rejected()).isEmpty();
        assertThat(issuer.issued()).hasSize(100);
    }

    @Test
    void notOpenAndClosedAreRejectedWithoutMarkingTheUser() {
        var opensAt = IssuerDriver.T0.plusMillis(3);
        var closesAt = IssuerDriver.T0.plusMillis(6);
        issuer.define(new EventDefinition("window", 10, opensAt, closesAt)); // t0
        issuer.apply("window", "u-1"); // t0+1: before opening
        issuer.apply("window", "u-2"); // t0+2: before opening
        issuer.apply("window", "u-1"); // t0+3: open
        issuer.apply("window", "u-3"); // t0+4
        issuer.apply("window", "u-2"); // t0+5
        issuer.apply("window", "u-4"); // t0+6: closed
        issuer.apply("window", "u-1"); // t0+7: closed, but u-1 has a decision: it stands

        assertThat(issuer.issued()).extracting(CouponIssued::userId).containsExactly("u-1", "u-3", "u-2");
        assertThat(issuer.rejected()).extracting(Rejection::userId, Rejection::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("u-1", RejectReason.NOT_OPEN),
                org.assertj.core.groups.Tuple.tuple("u-2", RejectReason.NOT_OPEN),
                org.assertj.core.groups.Tuple.tuple("u-4", RejectReason.CLOSED),
                org.assertj.core.groups.Tuple.tuple("u-1", RejectReason.DUPLICATE));
        assertThat(issuer.decisions().get(EventUserKey.of("window", "u-4"))).isNull();
    }

    @Test
    void redefiningAnEventNeverResetsTheCountNorLetsIssuedExceedTheCap() {
        issuer.define("e", 5);
        IntStream.rangeClosed(1, 3).forEach(i -> issuer.apply("e", "u-" + i));
        issuer.define("e", 2); // lowered below what is issued: nothing more goes out
        IntStream.rangeClosed(4, 6).forEach(i -> issuer.apply("e", "u-" + i));
        issuer.define("e", 5); // raised again: the sequence continues, it does not restart
        IntStream.rangeClosed(7, 10).forEach(i -> issuer.apply("e", "u-" + i));

        assertThat(issuer.issued()).extracting(CouponIssued::userId, CouponIssued::seq).containsExactly(
                org.assertj.core.groups.Tuple.tuple("u-1", 1L), org.assertj.core.groups.Tuple.tuple("u-2", 2L),
                org.assertj.core.groups.Tuple.tuple("u-3", 3L), org.assertj.core.groups.Tuple.tuple("u-7", 4L),
                org.assertj.core.groups.Tuple.tuple("u-8", 5L));
        assertThat(issuer.rejected()).extracting(Rejection::userId)
                .containsExactly("u-4", "u-5", "u-6", "u-9", "u-10");
        // Each definition as taken with the count then, and again when the event sold out under it.
        assertThat(issuer.eventRecords()).extracting(record -> record.value().cap() + "@" + IssuerDriver.issuedCount(record))
                .containsExactly("5@0", "2@3", "5@3", "5@5");
        assertThat(issuer.issuedCounts().get("e")).isEqualTo(5L);
    }

    @Test
    void theDecisionStoreHoldsOnlyCoupons() {
        issuer.define("e", 1);
        String winner = issuer.apply("e", "u-1");
        issuer.apply("e", "u-2");
        issuer.apply("e", "u-1");

        StandingDecision won = issuer.decisions().get(EventUserKey.of("e", "u-1"));
        assertThat(won.status()).isEqualTo(StandingDecision.Status.ISSUED);
        assertThat(won.requestId()).isEqualTo(winner);
        assertThat(won.couponId()).isEqualTo("e-1");
        assertThat(issuer.decisions().get(EventUserKey.of("e", "u-2"))).isNull();
    }

    @Test
    void aSoldOutApplicantIsSoldOutAgainAndMayWinOnceTheCapIsRaised() {
        issuer.define("e", 1);
        issuer.apply("e", "u-1");
        String first = issuer.apply("e", "u-2");
        String again = issuer.apply("e", "u-2");
        issuer.define("e", 2); // a restock: one more coupon
        String third = issuer.apply("e", "u-2");
        String fourth = issuer.apply("e", "u-2");

        assertThat(issuer.rejected()).extracting(Rejection::requestId, Rejection::reason).containsExactly(
                tuple(first, RejectReason.SOLD_OUT), tuple(again, RejectReason.SOLD_OUT),
                tuple(fourth, RejectReason.DUPLICATE));
        assertThat(issuer.issued()).extracting(CouponIssued::userId, CouponIssued::seq, CouponIssued::requestId)
                .containsExactly(tuple("u-1", 1L, "r-1"), tuple("u-2", 2L, third));
    }

    /*
     * A store may hold REJECTED (SOLD_OUT) entries, left by releases that recorded SOLD_OUT (see
     * StandingDecision): such an entry never makes its user a holder, whichever way the decider reads it.
     */

    @Test
    void aSoldOutEntryOfAnOlderReleaseDoesNotStandInTheScanOfTheEventsHolders() {
        issuer.define("e", 1);
        issuer.decisions().put(EventUserKey.of("e", "u-2"), olderSoldOut("e", "u-2"));
        issuer.apply("e", "u-1"); // the first question about the event scans its holders
        String again = issuer.apply("e", "u-2");

        assertSoldOutNotDuplicate(issuer, again);
    }

    @Test
    void aSoldOutEntryOfAnOlderReleaseDoesNotStandWhenReadFromTheStore(@TempDir Path storeOnly) {
        // No holders kept in memory past an event's first coupon: every later question reads the store.
        try (IssuerDriver fromStore = new IssuerDriver(storeOnly, () -> new CouponHolders(CouponHolders.EVENTS, 0))) {
            fromStore.define("e", 1);
            fromStore.apply("e", "u-1");
            fromStore.decisions().put(EventUserKey.of("e", "u-2"), olderSoldOut("e", "u-2"));
            String again = fromStore.apply("e", "u-2");

            assertSoldOutNotDuplicate(fromStore, again);
        }
    }

    private StandingDecision olderSoldOut(String eventId, String userId) {
        return new StandingDecision("r-old", eventId, userId, StandingDecision.Status.REJECTED, RejectReason.SOLD_OUT,
                null, null, issuer.now());
    }

    private static void assertSoldOutNotDuplicate(IssuerDriver driver, String requestId) {
        assertThat(driver.rejected()).singleElement().satisfies(r -> {
            assertThat(r.requestId()).isEqualTo(requestId);
            assertThat(r.reason()).as("not DUPLICATE of the older entry").isEqualTo(RejectReason.SOLD_OUT);
        });
    }

    @Test
    void aFailedRecordCarriesItsSourceInHeaders() {
        issuer.pipeRaw("e".getBytes(), "not json".getBytes(), new org.apache.kafka.common.header.internals.RecordHeaders());
        issuer.define("e", 1); // the test driver hands over output when a record is processed and committed
        var failed = issuer.failed();
        assertThat(failed).hasSize(1);
        var headers = failed.get(0).headers();
        assertThat(FailedRecords.header(headers, FailedRecords.STAGE)).isEqualTo("issuer");
        assertThat(FailedRecords.header(headers, FailedRecords.TOPIC)).isEqualTo("coupon.apply-requests");
        assertThat(FailedRecords.header(headers, FailedRecords.PARTITION)).isEqualTo("0");
        assertThat(FailedRecords.header(headers, FailedRecords.OFFSET)).isEqualTo("0");
        assertThat(FailedRecords.header(headers, FailedRecords.MESSAGE)).contains("malformed JSON");
        assertThat(failed.get(0).value()).isEqualTo("not json".getBytes());
    }
}
