package io.couponissuer.message;

/** Why an application got no coupon. */
public enum RejectReason {
    /** The user already has a decision for this event; the first decision stands. */
    DUPLICATE,
    /** The cap was reached before this application. The user is recorded as decided. */
    SOLD_OUT,
    /** No definition of the event was known when the application was decided. Not recorded: may apply again. */
    EVENT_UNKNOWN,
    /** Applied before {@code opensAt}. Not recorded: may apply again. */
    NOT_OPEN,
    /** Applied at or after {@code closesAt}. Not recorded. */
    CLOSED;

    /** Whether this rejection is remembered as the user's decision (later applications are DUPLICATE). */
    public boolean isFinalForUser() {
        return this == SOLD_OUT;
    }
}
