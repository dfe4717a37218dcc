package io.couponissuer.tools.bench;

import io.couponissuer.tools.judge.InvariantJudge;

import java.util.List;

/**
 * Whether a run came out exact, with the count behind the main checks and every broken check by name.
 *
 * @param exact              every invariant {@link InvariantJudge} judges holds (not only the counted ones)
 * @param capViolations      events where issued != min(cap, distinct applicants the issuer decided)
 * @param duplicateUsers     (event, user) pairs with more than one coupon, plus reused coupon ids
 * @param missingDecisions   accepted requests with no decision
 * @param repeatedDecisions  accepted requests decided more than once (issued and rejected, or twice)
 * @param unmatchedDecisions decisions of this run's events for requests the bench was never told were
 *                           accepted (an HTTP 503 whose record reached the broker anyway): reported, allowed
 *                           unless every send was accepted
 * @param tableMismatches    coupons on coupon.issued missing from the table, plus rows not on the topic,
 *                           differing from it or there twice
 * @param problems           one line per broken check: its invariant, what broke, how often, examples
 */
public record ExactnessVerdict(boolean exact, long capViolations, long duplicateUsers, long missingDecisions,
                      long repeatedDecisions, long unmatchedDecisions, long tableMismatches, List<String> problems) {
}
