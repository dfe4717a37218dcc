package io.couponissuer.tools.judge;

import io.couponissuer.tools.judge.InvariantJudge.Application;
import io.couponissuer.tools.judge.InvariantJudge.ClientAnswer;
import io.couponissuer.tools.judge.InvariantJudge.EventShown;
import io.couponissuer.tools.judge.InvariantJudge.LedgerDecision;
import io.couponissuer.tools.judge.InvariantJudge.StatusShown;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The judge passes an exact run and fails, naming the invariant, on the same run broken in each single
 * way it checks: one test per invariant, one case per check.
 */
class InvariantJudgeTest {
    private static final String E = "sale";

    /**
     * An exact run of cap 2, three users: u0 and u1 issued, u2 sold out, u0's repeat a DUPLICATE carrying
     * r0, u2's repeat (r5) sold out again (a sold-out applicant is not recorded).
     */
    static final class Run {
        int cap = 2;
        final List<Application> applications = new ArrayList<>(List.of(app("r0", "u0"), app("r1", "u1"),
                app("r2", "u2"), app("r3", "u0"), app("r5", "u2")));
        final List<Application> accepted = new ArrayList<>(applications);
        boolean everySendAccepted;
        boolean applyTopicRead = true;
        final List<LedgerDecision> decisions = new ArrayList<>(List.of(issued("r0", "u0", 1), issued("r1", "u1", 2),
                rejected("r2", "u2", "SOLD_OUT"), duplicate("r3", "u0", "ISSUED", "r0"), rejected("r5", "u2", "SOLD_OUT")));
        final List<CouponRow> rows = new ArrayList<>(List.of(row("r0", "u0", 1), row("r1", "u1", 2)));
        final Set<String> failed = new HashSet<>();
        final List<ClientAnswer> answers = new ArrayList<>(List.of(new ClientAnswer("r3", "u0", "REJECTED", null, "DUPLICATE"),
                new ClientAnswer("r0", "u0", "ISSUED", E + "-1", null)));
        final List<StatusShown> shown = new ArrayList<>(List.of(new StatusShown(E, "u0", "ISSUED", E + "-1", null),
                new StatusShown(E, "u2", "REJECTED", null, "SOLD_OUT")));
        final List<EventShown> events = new ArrayList<>(List.of(new EventShown(E, 2, 0)));

        Judgement judge() {
            InvariantJudge judge = new InvariantJudge(Map.of(E, cap), accepted, everySendAccepted, decisions)
                    .table(rows, failed).told(answers, shown, events);
            return (applyTopicRead ? judge.received(applications) : judge).judge();
        }
    }

    /**
     * The run broken by {@code breakIt} fails on {@code check} (and on {@code alsoBroken}, its direct
     * consequences; nothing else), under its invariant's number.
     */
    private static void assertBreaks(Consumer<Run> breakIt, InvariantCheck check, InvariantCheck... alsoBroken) {
        Run run = new Run();
        breakIt.accept(run);
        Judgement judgement = run.judge();
        assertThat(judgement.holds()).as(check.name()).isFalse();
        assertThat(judgement.counts().keySet()).as(judgement.message())
                .containsExactlyInAnyOrderElementsOf(EnumSet.of(check, alsoBroken));
        assertThat(judgement.broken()).contains(check.invariant);
        assertThat(judgement.message()).contains("invariant " + check.invariant + ": " + check.meaning);
    }

    @Test
    void anExactRunHolds() {
        Judgement judgement = new Run().judge();
        assertThat(judgement.message()).isEqualTo("all invariants hold");
        assertThat(judgement.holds()).isTrue();
        assertThat(judgement.perEvent()).containsEntry(E, "cap 2, applicants 3, issued 2, sold out 2, duplicates 1, rejected at the edge 0");
    }

    @Test
    void answersAtTheEdgeAreApplicationsOfTheirOwnJudgedByTheSameRules() {
        // r3 (u0's DUPLICATE) and r5 (u2's second SOLD_OUT) decided by a gateway: never on the apply topic.
        Run edge = new Run();
        edge.applications.removeIf(a -> a.requestId().equals("r3") || a.requestId().equals("r5"));
        edge.decisions.set(3, atEdge(duplicate("r3", "u0", "ISSUED", "r0")));
        edge.decisions.set(4, atEdge(rejected("r5", "u2", "SOLD_OUT")));
        Judgement judgement = edge.judge();
        assertThat(judgement.message()).isEqualTo("all invariants hold");
        assertThat(judgement.perEvent()).containsEntry(E, "cap 2, applicants 3, issued 2, sold out 2, duplicates 1, rejected at the edge 2");

        // Not on the apply topic and not marked: the issuer never saw it.
        assertBreaks(run -> run.applications.removeIf(a -> a.requestId().equals("r5")),
                InvariantCheck.ACCEPTED_NOT_ON_APPLY_TOPIC, InvariantCheck.DECISION_WITHOUT_APPLICATION);
        // Answered at the edge and sent to the issuer as well.
        assertBreaks(run -> run.decisions.add(atEdge(rejected("r5", "u2", "SOLD_OUT"))), InvariantCheck.DECIDED_MORE_THAN_ONCE);
        assertBreaks(run -> {
            run.applications.removeIf(a -> a.requestId().equals("r3"));
            run.decisions.set(3, atEdge(rejected("r3", "u0", "SOLD_OUT")));
            run.answers.remove(0);
        }, InvariantCheck.SOLD_OUT_TO_HOLDER);
        assertBreaks(run -> {
            run.applications.removeIf(a -> a.requestId().equals("r3"));
            run.decisions.set(3, atEdge(duplicate("r3", "u0", "ISSUED", "r1")));
        }, InvariantCheck.DUPLICATE_NOT_CARRYING_FIRST);
        assertBreaks(run -> {
            run.applications.removeIf(a -> a.requestId().equals("r5"));
            run.decisions.set(4, atEdge(rejected("r5", "u2", "CLOSED")));
        }, InvariantCheck.NON_FINAL_REJECTION);
    }

    @Test
    void invariant1IssuedIsMinOfCapAndApplicants() {
        assertBreaks(run -> {
            run.decisions.set(2, issued("r2", "u2", 3));
            run.rows.add(row("r2", "u2", 3));
        }, InvariantCheck.OVER_CAP, InvariantCheck.NOT_MIN_OF_CAP_AND_APPLICANTS, InvariantCheck.STATUS_DISAGREES, InvariantCheck.EVENT_COUNTS_DISAGREE,
                InvariantCheck.SOLD_OUT_TO_HOLDER);
        assertBreaks(run -> {
            run.decisions.set(1, rejected("r1", "u1", "SOLD_OUT"));
            run.rows.remove(1);
            run.events.set(0, new EventShown(E, 1, 1));
        }, InvariantCheck.NOT_MIN_OF_CAP_AND_APPLICANTS, InvariantCheck.STATUS_DISAGREES); // u2 shown SOLD_OUT, but 1 of 2 issued
        assertBreaks(run -> {
            run.decisions.set(1, issued("r1", "u1", 3));
            run.rows.set(1, row("r1", "u1", 3));
        }, InvariantCheck.SEQS_NOT_ONE_TO_N);
        assertBreaks(run -> {
            run.decisions.set(1, LedgerDecision.issued("r1", E, "u1", E + "-1", 2));
            run.rows.set(1, new CouponRow(E + "-1", E, "u1", 2, "r1"));
        }, InvariantCheck.COUPON_ID_TWICE, InvariantCheck.ROW_TWICE, InvariantCheck.ROW_DIFFERS);
    }

    @Test
    void invariant2OneCouponPerUserCarriedByEveryDuplicateAndNeverSoldOutToItsHolder() {
        assertBreaks(run -> {
            run.cap = 3;
            run.decisions.set(3, issued("r3", "u0", 3));
            run.rows.add(row("r3", "u0", 3));
            run.answers.remove(0);
            run.events.clear();
        }, InvariantCheck.USER_WITH_TWO_COUPONS);
        assertBreaks(run -> {
            run.decisions.set(3, rejected("r3", "u0", "SOLD_OUT"));
            run.answers.remove(0);
        }, InvariantCheck.SOLD_OUT_TO_HOLDER);
        // A sold-out applicant holds nothing a DUPLICATE could carry.
        assertBreaks(run -> run.decisions.set(4, duplicate("r5", "u2", "REJECTED", "r2")), InvariantCheck.DUPLICATE_NOT_CARRYING_FIRST);
        assertBreaks(run -> run.decisions.set(3, duplicate("r3", "u0", "ISSUED", "r1")), InvariantCheck.DUPLICATE_NOT_CARRYING_FIRST);
        assertBreaks(run -> run.decisions.set(3, duplicate("r3", "u0", null, null)), InvariantCheck.DUPLICATE_NOT_CARRYING_FIRST);
    }

    @Test
    void invariant3EveryAcceptedRequestDecidedExactlyOnce() {
        assertBreaks(run -> run.accepted.add(app("r9", "u9")), InvariantCheck.ACCEPTED_NOT_ON_APPLY_TOPIC);
        assertBreaks(run -> run.applications.add(app("r2", "u2")), InvariantCheck.APPLICATION_TWICE_ON_APPLY_TOPIC);
        // On the topic, so a real application, though no client was told: decided all the same.
        assertBreaks(run -> run.applications.add(app("r4", "u1")), InvariantCheck.UNDECIDED);
        assertBreaks(run -> {
            run.applyTopicRead = false;
            run.accepted.add(app("r4", "u1"));
        }, InvariantCheck.UNDECIDED);
        assertBreaks(run -> run.decisions.add(rejected("r2", "u2", "SOLD_OUT")), InvariantCheck.DECIDED_MORE_THAN_ONCE);
        assertBreaks(run -> run.decisions.add(duplicate("r9", "u0", "ISSUED", "r0")), InvariantCheck.DECISION_WITHOUT_APPLICATION);
        assertBreaks(run -> {
            run.decisions.set(3, new LedgerDecision("r3", E, "u1", false, null, 0, "DUPLICATE", "ISSUED", "r1", false));
            run.answers.remove(0);
        }, InvariantCheck.DECISION_NOT_OF_ITS_APPLICATION);
    }

    @Test
    void invariant3ADecisionNoClientAskedForIsAllowedOnlyWhileSomeSendWasNotAccepted() {
        Run lenient = new Run();
        lenient.applyTopicRead = false;
        lenient.decisions.add(duplicate("r9", "u0", "ISSUED", "r0"));
        assertThat(lenient.judge().holds()).isTrue();
        assertThat(lenient.judge().unmatchedDecisions()).isEqualTo(1);
        assertBreaks(run -> {
            run.applyTopicRead = false;
            run.everySendAccepted = true;
            run.decisions.add(duplicate("r9", "u0", "ISSUED", "r0"));
        }, InvariantCheck.DECISION_WITHOUT_APPLICATION);
    }

    @Test
    void invariant4EveryCouponExactlyOneRowOrFailed() {
        assertBreaks(run -> run.rows.remove(1), InvariantCheck.ROW_MISSING);
        Run replayable = new Run();
        replayable.rows.remove(1);
        replayable.failed.add(E + "-2");
        assertThat(replayable.judge().holds()).as("a coupon on coupon.failed instead of the table").isTrue();
        assertBreaks(run -> run.rows.add(row("r9", "u9", 3)), InvariantCheck.ROW_NOT_ISSUED);
        assertBreaks(run -> run.failed.add(E + "-2"), InvariantCheck.ROW_NOT_ISSUED);
        assertBreaks(run -> run.rows.set(1, row("r2", "u1", 2)), InvariantCheck.ROW_DIFFERS);
        assertBreaks(run -> run.rows.add(row("r1", "u1", 2)), InvariantCheck.ROW_TWICE);
    }

    @Test
    void invariant6NoUnknownEventForADefinedOne() {
        assertBreaks(run -> {
            run.applications.add(app("r4", "u4"));
            run.decisions.add(rejected("r4", "u4", "EVENT_UNKNOWN"));
        }, InvariantCheck.NON_FINAL_REJECTION);
    }

    @Test
    void invariant8WhatClientsWereToldIsTheLedger() {
        assertBreaks(run -> run.answers.add(new ClientAnswer("r1", "u1", "ISSUED", E + "-9", null)), InvariantCheck.ANSWER_DISAGREES);
        assertBreaks(run -> run.answers.add(new ClientAnswer("r9", "u1", "REJECTED", null, "SOLD_OUT")), InvariantCheck.ANSWER_DISAGREES);
        assertBreaks(run -> run.shown.add(new StatusShown(E, "u0", "REJECTED", null, "DUPLICATE")), InvariantCheck.STATUS_DISAGREES);
        assertBreaks(run -> run.shown.add(new StatusShown(E, "u1", "ISSUED", E + "-1", null)), InvariantCheck.STATUS_DISAGREES);
        assertBreaks(run -> run.shown.add(new StatusShown(E, "u1", "REJECTED", null, "SOLD_OUT")), InvariantCheck.STATUS_DISAGREES);
        assertBreaks(run -> run.events.set(0, new EventShown(E, 2, 1)), InvariantCheck.EVENT_COUNTS_DISAGREE);
    }

    @Test
    void everyCheckIsBrokenByACaseHere() throws Exception {
        // A check added to the judge without a case that breaks it shows up here.
        String source = Files.readString(Path.of("src/test/java/io/couponissuer/tools/judge/InvariantJudgeTest.java"));
        for (InvariantCheck check : InvariantCheck.values()) {
            assertThat(source).as(check.name()).containsPattern(", InvariantCheck\\." + check.name() + "[,)]");
        }
    }

    private static Application app(String requestId, String userId) {
        return new Application(requestId, E, userId);
    }

    private static LedgerDecision issued(String requestId, String userId, long seq) {
        return LedgerDecision.issued(requestId, E, userId, E + "-" + seq, seq);
    }

    private static LedgerDecision rejected(String requestId, String userId, String reason) {
        return LedgerDecision.rejected(requestId, E, userId, reason, null, null, false);
    }

    private static LedgerDecision duplicate(String requestId, String userId, String firstStatus, String firstRequestId) {
        return LedgerDecision.rejected(requestId, E, userId, "DUPLICATE", firstStatus, firstRequestId, false);
    }

    private static LedgerDecision atEdge(LedgerDecision d) {
        return LedgerDecision.rejected(d.requestId(), d.eventId(), d.userId(), d.reason(), d.firstStatus(),
                d.firstRequestId(), true);
    }

    private static CouponRow row(String requestId, String userId, long seq) {
        return new CouponRow(E + "-" + seq, E, userId, seq, requestId);
    }
}
