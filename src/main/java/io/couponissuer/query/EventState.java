package io.couponissuer.query;

/** Where an event stands at a moment: what an applicant would be told, before anything about the user. */
public enum EventState {
    /** before {@code opensAt}: applications are rejected NOT_OPEN */
    NOT_OPEN,
    /** coupons left and within the window */
    OPEN,
    /** every coupon of the cap issued (a raised cap opens it again) */
    SOLD_OUT,
    /** at or after {@code closesAt}: applications are rejected CLOSED */
    CLOSED
}
