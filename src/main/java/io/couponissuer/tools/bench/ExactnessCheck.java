package io.couponissuer.tools.bench;

import io.couponissuer.tools.judge.CouponRow;
import io.couponissuer.tools.judge.InvariantJudge;
import io.couponissuer.tools.judge.Judgement;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.couponissuer.tools.judge.InvariantCheck.COUPON_ID_TWICE;
import static io.couponissuer.tools.judge.InvariantCheck.DECIDED_MORE_THAN_ONCE;
import static io.couponissuer.tools.judge.InvariantCheck.NOT_MIN_OF_CAP_AND_APPLICANTS;
import static io.couponissuer.tools.judge.InvariantCheck.ROW_DIFFERS;
import static io.couponissuer.tools.judge.InvariantCheck.ROW_MISSING;
import static io.couponissuer.tools.judge.InvariantCheck.ROW_NOT_ISSUED;
import static io.couponissuer.tools.judge.InvariantCheck.ROW_TWICE;
import static io.couponissuer.tools.judge.InvariantCheck.UNDECIDED;
import static io.couponissuer.tools.judge.InvariantCheck.USER_WITH_TWO_COUPONS;

/**
 * The bench's verdict on a finished run: feeds what the bench saw (its sends, the decisions, the table)
 * to {@link InvariantJudge} and counts the answer into a {@link ExactnessVerdict}. The bench does not read the
 * apply topic, so the applications are the accepted requests and those decided (a 503 may have landed).
 */
public final class ExactnessCheck {
    private final int cap;

    public ExactnessCheck(int cap) {
        this.cap = cap;
    }

    public ExactnessVerdict judge(List<String> eventIds, List<SentRequest> sent, List<ObservedDecision> decisions,
                         List<CouponRow> table) {
        Judgement judgement = new InvariantJudge(
                eventIds.stream().collect(Collectors.toMap(Function.identity(), e -> cap)),
                sent.stream().filter(SentRequest::accepted)
                        .map(r -> new InvariantJudge.Application(r.requestId(), r.eventId(), r.userId())).toList(),
                sent.stream().allMatch(SentRequest::accepted),
                decisions.stream().map(ObservedDecision::decision).toList())
                .table(table, List.of())
                .judge();
        return new ExactnessVerdict(judgement.holds(), judgement.count(NOT_MIN_OF_CAP_AND_APPLICANTS),
                judgement.count(USER_WITH_TWO_COUPONS, COUPON_ID_TWICE), judgement.count(UNDECIDED),
                judgement.count(DECIDED_MORE_THAN_ONCE), judgement.unmatchedDecisions(),
                judgement.count(ROW_MISSING, ROW_NOT_ISSUED, ROW_DIFFERS, ROW_TWICE), judgement.problems());
    }
}
