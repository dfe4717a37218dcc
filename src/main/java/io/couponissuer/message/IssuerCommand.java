package io.couponissuer.message;

/**
 * What the issuer reads from {@code coupon.apply-requests}: an application or an event definition.
 * Both are keyed by eventId, so one event's definitions and applications share one partition and
 * one total order (see README, "Why definitions travel on the apply topic").
 */
public sealed interface IssuerCommand permits ApplyRequest, EventDefinition {
    String eventId();
}
