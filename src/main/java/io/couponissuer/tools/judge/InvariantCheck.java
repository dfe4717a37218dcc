package io.couponissuer.tools.judge;

/** Every check the {@link InvariantJudge} makes, with the invariant (README "Invariants", by number) it belongs to. */
public enum InvariantCheck {
    OVER_CAP(1, "issued more than the cap"),
    NOT_MIN_OF_CAP_AND_APPLICANTS(1, "issued != min(cap, distinct applicants)"),
    SEQS_NOT_ONE_TO_N(1, "coupon seqs are not exactly 1..issued"),
    COUPON_ID_TWICE(1, "a couponId issued more than once"),
    USER_WITH_TWO_COUPONS(2, "a user got more than one coupon of an event"),
    SOLD_OUT_TO_HOLDER(2, "a user holding a coupon was answered SOLD_OUT"),
    DUPLICATE_NOT_CARRYING_FIRST(2, "a DUPLICATE does not carry the user's coupon"),
    ACCEPTED_NOT_ON_APPLY_TOPIC(3, "an accepted request is not on the apply topic"),
    APPLICATION_TWICE_ON_APPLY_TOPIC(3, "a request is more than once on the apply topic"),
    UNDECIDED(3, "an application has no decision"),
    DECIDED_MORE_THAN_ONCE(3, "a request has more than one decision"),
    DECISION_WITHOUT_APPLICATION(3, "a decision for a request that was never applied"),
    DECISION_NOT_OF_ITS_APPLICATION(3, "a decision's event or user differs from its application's"),
    ROW_MISSING(4, "an issued coupon is neither a row nor on coupon.failed"),
    ROW_NOT_ISSUED(4, "a row that is not an issued coupon (or whose coupon is on coupon.failed)"),
    ROW_DIFFERS(4, "a row differs from its coupon on coupon.issued"),
    ROW_TWICE(4, "a coupon is more than one row"),
    NON_FINAL_REJECTION(6, "a rejection other than SOLD_OUT or DUPLICATE for a defined, open event"),
    ANSWER_DISAGREES(8, "an answer a client was given disagrees with the ledger"),
    STATUS_DISAGREES(8, "a standing decision the status endpoint showed is not the ledger's"),
    EVENT_COUNTS_DISAGREE(8, "issued/remaining the event endpoint showed disagree with the ledger");

    public final int invariant;
    public final String meaning;

    InvariantCheck(int invariant, String meaning) {
        this.invariant = invariant;
        this.meaning = meaning;
    }
}
