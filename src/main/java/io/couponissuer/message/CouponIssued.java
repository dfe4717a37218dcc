package io.couponissuer.message;

import java.time.Instant;

/**
 * A coupon was issued, on {@code coupon.issued} keyed by eventId.
 *
 * @param couponId  derived from (eventId, seq) by {@link #couponIdOf}: a replay can never mint another id
 * @param eventId   the event
 * @param userId    the holder
 * @param requestId the application that won it
 * @param seq       1..cap, in decision order within the event
 * @param issuedAt  the application's requestedAt (no wall clock in decisions, so a replay decides the same)
 */
public record CouponIssued(String couponId, String eventId, String userId, String requestId, long seq,
                           Instant issuedAt) implements Decision {
    public CouponIssued {
        Ids.require("eventId", eventId);
        Ids.require("userId", userId);
        Ids.require("requestId", requestId);
        if (seq < 1) {
            throw new InvalidMessageException("seq", "must be 1 or more");
        }
        if (couponId == null || !couponId.equals(couponIdOf(eventId, seq))) {
            throw new InvalidMessageException("couponId", "must be " + couponIdOf(eventId, seq));
        }
        if (issuedAt == null) {
            throw new InvalidMessageException("issuedAt", "is required");
        }
    }

    public static String couponIdOf(String eventId, long seq) {
        return eventId + "-" + seq;
    }
}
