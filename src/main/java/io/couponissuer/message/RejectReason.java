package io.couponissuer.message;

/**
 * Why an application got no coupon. Only a coupon is remembered for a user: every other decision is
 * not final, so the user may apply again and is decided afresh.
 */
public enum RejectReason {
    /** The user already holds a coupon of this event; the rejection carries it (the first decision stands). */
    DUPLICATE,
    /**
     * The cap was reached before this application. Not recorded: a repeat is SOLD_OUT again, and if
     * the cap is raised later the user may apply again, first come first served, like anyone.
     */
    SOLD_OUT,
    /** No definition of the event was known when the application was decided. Not recorded: may apply again. */
    EVENT_UNKNOWN,
    /** Applied before {@code opensAt}. Not recorded: may apply again. */
    NOT_OPEN,
    /** Applied at or after {@code closesAt}. Not recorded. */
    CLOSED
}
