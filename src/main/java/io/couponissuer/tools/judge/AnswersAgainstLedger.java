package io.couponissuer.tools.judge;

import io.couponissuer.message.EventUserKey;
import io.couponissuer.tools.judge.InvariantJudge.ClientAnswer;
import io.couponissuer.tools.judge.InvariantJudge.EventShown;
import io.couponissuer.tools.judge.InvariantJudge.LedgerDecision;
import io.couponissuer.tools.judge.InvariantJudge.StatusShown;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Invariant 8 for the {@link InvariantJudge}: what clients were told agrees with the ledger. */
final class AnswersAgainstLedger {
    private final Map<String, Integer> caps;
    private final List<LedgerDecision> ours;

    /** @param ours the ledger's decisions for the events of {@code caps} */
    AnswersAgainstLedger(Map<String, Integer> caps, List<LedgerDecision> ours) {
        this.caps = caps;
        this.ours = ours;
    }

    /** Invariant 8: answers by request, status shown by (event, user), event counts shown. */
    void judge(List<ClientAnswer> answers, List<StatusShown> shown, List<EventShown> eventsShown, Findings findings) {
        Map<String, LedgerDecision> byRequest = new HashMap<>();
        ours.forEach(d -> byRequest.putIfAbsent(d.requestId(), d));
        for (ClientAnswer answer : answers) {
            LedgerDecision d = byRequest.get(answer.requestId());
            boolean same = d != null && d.status().equals(answer.status()) && d.userId().equals(answer.userId())
                    && Objects.equals(d.outcome(), "ISSUED".equals(answer.status()) ? answer.couponId() : answer.reason());
            if (!same) {
                findings.add(InvariantCheck.ANSWER_DISAGREES, answer + " but the ledger says " + d);
            }
        }
        // The coupons by (event, user) and the count per event, once: a run shows thousands of statuses.
        Map<String, LedgerDecision> couponOf = new HashMap<>();
        Map<String, Long> issuedOf = new HashMap<>();
        for (LedgerDecision d : ours) {
            if (d.issued()) {
                couponOf.putIfAbsent(EventUserKey.of(d.eventId(), d.userId()), d);
                issuedOf.merge(d.eventId(), 1L, Long::sum);
            }
        }
        for (StatusShown s : shown) {
            Integer cap = caps.get(s.eventId());
            if (cap == null) {
                continue;
            }
            LedgerDecision coupon = couponOf.get(EventUserKey.of(s.eventId(), s.userId()));
            long issued = issuedOf.getOrDefault(s.eventId(), 0L);
            // The user's coupon, or SOLD_OUT for a user without one of an event that sold out.
            boolean agrees = coupon != null
                    ? "ISSUED".equals(s.status()) && coupon.couponId().equals(s.couponId())
                    : "REJECTED".equals(s.status()) && "SOLD_OUT".equals(s.reason()) && issued >= cap;
            if (!agrees) {
                findings.add(InvariantCheck.STATUS_DISAGREES, s + " but the ledger has " + (coupon == null
                        ? "no coupon for the user, " + issued + " issued of cap " + cap : coupon));
            }
        }
        for (EventShown e : eventsShown) {
            Integer cap = caps.get(e.eventId());
            if (cap == null) {
                continue;
            }
            long issued = ours.stream().filter(d -> d.issued() && d.eventId().equals(e.eventId())).count();
            if (e.issued() != issued || e.remaining() != Math.max(0, cap - issued)) {
                findings.add(InvariantCheck.EVENT_COUNTS_DISAGREE, e + " but the ledger has " + issued + " issued of cap " + cap);
            }
        }
    }
}
