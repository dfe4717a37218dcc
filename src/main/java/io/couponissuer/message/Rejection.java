package io.couponissuer.message;

import java.time.Instant;

/**
 * An application that got no coupon, on {@code coupon.rejected} keyed by eventId.
 *
 * @param requestId     the application
 * @param eventId       the event
 * @param userId        the applicant
 * @param reason        why
 * @param decidedAt     the application's requestedAt
 * @param firstDecision for {@code DUPLICATE}: the user's first decision, which stands; otherwise null
 */
public record Rejection(String requestId, String eventId, String userId, RejectReason reason, Instant decidedAt,
                        StandingDecision firstDecision) implements Decision {
    public Rejection {
        Ids.require("requestId", requestId);
        Ids.require("eventId", eventId);
        Ids.require("userId", userId);
        if (reason == null) {
            throw new InvalidMessageException("reason", "is required");
        }
    }
}
