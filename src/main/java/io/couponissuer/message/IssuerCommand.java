package io.couponissuer.message;

/**
 * What the issuer reads from {@code coupon.apply-requests}: an application or an event definition,
 * both keyed by eventId, so one event's definitions and applications share one partition and one
 * total order (docs/architecture.md#why-definitions-travel-on-the-apply-topic). A spread event adds the
 * records of its two stages: applications keyed by {@link ApplyRequest#eventUserKey()}, the claims
 * stage 1 passes to the event's partition, the outcome of each claim sent back to the user's
 * partition, and the notices the event's partition sends to all.
 */
public sealed interface IssuerCommand permits ApplyRequest, ApplyBatch, EventDefinition, Claim, ClaimDecided,
        WindowOpened, EventSoldOut {
    String eventId();
}
