package io.couponissuer.tools.bench;

import io.couponissuer.tools.judge.CouponRow;
import io.couponissuer.tools.judge.InvariantJudge;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench feeds {@link InvariantJudge} and counts its answer: each count moves on its kind of broken run. */
class ExactnessCheckTest {
    private static final String EVENT = "bench-00-e0";

    /** Three users, cap 2: u-0 and u-1 issued, u-2 sold out, u-0's repeat a duplicate; all in the table. */
    private final List<SentRequest> sent = List.of(accepted("r0", "u-0"), accepted("r1", "u-1"),
            accepted("r2", "u-2"), accepted("r3", "u-0"));
    private final List<ObservedDecision> decisions = List.of(issued("r0", "u-0", 1), issued("r1", "u-1", 2),
            rejected("r2", "u-2", "SOLD_OUT"), duplicateOf("r3", "u-0", "r0"));
    private final List<CouponRow> table = List.of(row("r0", "u-0", 1), row("r1", "u-1", 2));

    private final ExactnessCheck check = new ExactnessCheck(2);

    @Test
    void anExactRunPasses() {
        ExactnessVerdict verdict = check.judge(List.of(EVENT), sent, decisions, table);
        assertThat(verdict.problems()).isEmpty();
        assertThat(verdict.exact()).isTrue();
    }

    @Test
    void aMissingDecisionFails() {
        ExactnessVerdict verdict = check.judge(List.of(EVENT), sent, without(decisions, 3), table);
        assertThat(verdict.exact()).isFalse();
        assertThat(verdict.missingDecisions()).isEqualTo(1);
        assertThat(verdict.problems()).anyMatch(p -> p.contains("invariant 3") && p.contains("r3"));
    }

    @Test
    void aRequestDecidedTwiceFails() {
        ExactnessVerdict verdict = check.judge(List.of(EVENT), sent, with(decisions, rejected("r2", "u-2", "SOLD_OUT")), table);
        assertThat(verdict.exact()).isFalse();
        assertThat(verdict.repeatedDecisions()).isEqualTo(1);
    }

    @Test
    void aSecondCouponForOneUserFails() {
        List<ObservedDecision> twice = with(without(decisions, 3), issued("r3", "u-0", 3));
        ExactnessVerdict verdict = new ExactnessCheck(3).judge(List.of(EVENT), sent, twice,
                with(table, row("r3", "u-0", 3)));
        assertThat(verdict.exact()).isFalse();
        assertThat(verdict.duplicateUsers()).isEqualTo(1);
    }

    @Test
    void issuingPastTheCapFails() {
        List<ObservedDecision> overCap = with(without(decisions, 2), issued("r2", "u-2", 3));
        ExactnessVerdict verdict = check.judge(List.of(EVENT), sent, overCap, with(table, row("r2", "u-2", 3)));
        assertThat(verdict.exact()).isFalse();
        assertThat(verdict.capViolations()).isEqualTo(1);
    }

    @Test
    void issuingFewerThanTheApplicantsAllowFails() {
        List<ObservedDecision> underCap = with(without(decisions, 1), rejected("r1", "u-1", "SOLD_OUT"));
        ExactnessVerdict verdict = check.judge(List.of(EVENT), sent, underCap, List.of(row("r0", "u-0", 1)));
        assertThat(verdict.exact()).isFalse();
        assertThat(verdict.capViolations()).isEqualTo(1);
    }

    @Test
    void aCouponMissingFromTheTableFails() {
        ExactnessVerdict verdict = check.judge(List.of(EVENT), sent, decisions, List.of(row("r0", "u-0", 1)));
        assertThat(verdict.exact()).isFalse();
        assertThat(verdict.tableMismatches()).isEqualTo(1);
    }

    @Test
    void aRowThatIsNotOnTheTopicFails() {
        ExactnessVerdict verdict = check.judge(List.of(EVENT), sent, decisions, with(table, row("r9", "u-9", 3)));
        assertThat(verdict.exact()).isFalse();
        assertThat(verdict.tableMismatches()).isEqualTo(1);
    }

    @Test
    void aDecisionForARequestAnswered503IsReportedNotFailed() {
        List<SentRequest> with503 = with(sent, new SentRequest(null, EVENT, "u-3", 1, 0, 0, 503, "HTTP 503"));
        ExactnessVerdict verdict = new ExactnessCheck(2).judge(List.of(EVENT), with503,
                with(decisions, rejected("r4", "u-3", "SOLD_OUT")), table);
        assertThat(verdict.exact()).isTrue();
        assertThat(verdict.unmatchedDecisions()).isEqualTo(1);
    }

    @Test
    void aDecisionNoSendAskedForFailsWhenEverySendWasAccepted() {
        ExactnessVerdict verdict = check.judge(List.of(EVENT), sent, with(decisions, rejected("r4", "u-3", "SOLD_OUT")), table);
        assertThat(verdict.exact()).isFalse();
        assertThat(verdict.unmatchedDecisions()).isEqualTo(1);
        assertThat(verdict.problems()).anyMatch(p -> p.contains("invariant 3") && p.contains("r4"));
    }

    @Test
    void aBrokenInvariantWithoutACountOfItsOwnStillFails() {
        List<ObservedDecision> notCarrying = with(without(decisions, 3), rejected("r3", "u-0", "DUPLICATE"));
        ExactnessVerdict verdict = check.judge(List.of(EVENT), sent, notCarrying, table);
        assertThat(verdict.exact()).isFalse();
        assertThat(verdict.problems()).anyMatch(p -> p.startsWith("invariant 2: a DUPLICATE does not carry"));
    }

    private static SentRequest accepted(String requestId, String userId) {
        return new SentRequest(requestId, EVENT, userId, 1, 2, 0, 202, null);
    }

    private static ObservedDecision issued(String requestId, String userId, long seq) {
        return new ObservedDecision(requestId, EVENT, userId, true, EVENT + "-" + seq, seq, null, null, null, 3);
    }

    private static ObservedDecision rejected(String requestId, String userId, String reason) {
        return new ObservedDecision(requestId, EVENT, userId, false, null, 0, reason, null, null, 3);
    }

    private static ObservedDecision duplicateOf(String requestId, String userId, String firstRequestId) {
        return new ObservedDecision(requestId, EVENT, userId, false, null, 0, "DUPLICATE", "ISSUED", firstRequestId, 3);
    }

    private static CouponRow row(String requestId, String userId, long seq) {
        return new CouponRow(EVENT + "-" + seq, EVENT, userId, seq, requestId);
    }

    private static <T> List<T> with(List<T> list, T extra) {
        List<T> copy = new ArrayList<>(list);
        copy.add(extra);
        return copy;
    }

    private static <T> List<T> without(List<T> list, int index) {
        List<T> copy = new ArrayList<>(list);
        copy.remove(index);
        return copy;
    }
}
