package io.couponissuer.message;

/**
 * A spread event's counter to the stage-1 partition of one user (keyed eventId/userId): it decided a
 * claim of the user. The partition stops counting that claim as in flight, and keeps the coupon if the
 * user holds one, so it rejects the user's repeats itself (DUPLICATE) instead of sending them on.
 * Written by the issuer only, in the transaction of the decision.
 *
 * @param coupon the user's coupon if it holds one now (issued by this claim or before); null otherwise
 */
public record ClaimDecided(String eventId, String userId, StandingDecision coupon) implements IssuerCommand {
    public ClaimDecided {
        Ids.require("eventId", eventId);
        Ids.require("userId", userId);
    }

    /** Its key on coupon.apply-requests: the user's stage-1 partition, as {@link ApplyRequest#eventUserKey()}. */
    public String eventUserKey() {
        return EventUserKey.of(eventId, userId);
    }
}
