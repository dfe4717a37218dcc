package io.couponissuer.message;

import java.time.Instant;

/**
 * A user's request for a coupon of one event, on {@code coupon.apply-requests} keyed by eventId.
 *
 * @param requestId   unique id of this request, chosen by the gateway (a UUID); its decision is found under it
 * @param eventId     the event applied to
 * @param userId      the applicant; one coupon per (eventId, userId)
 * @param requestedAt when the gateway accepted the request; opening and closing times are checked against it
 */
public record ApplyRequest(String requestId, String eventId, String userId, Instant requestedAt)
        implements IssuerCommand {
    public ApplyRequest {
        Ids.require("requestId", requestId);
        Ids.require("eventId", eventId);
        Ids.require("userId", userId);
        if (requestedAt == null) {
            throw new InvalidMessageException("requestedAt", "is required");
        }
    }

    /**
     * This applicant's {@link EventUserKey}: the key of its entry in the decisions store and, when the
     * event is spread, of this application on coupon.apply-requests (the user's stage-1 partition).
     * Every application of a user goes to the same partition (the default partitioner over these
     * bytes), which the claim window counts on.
     */
    public String eventUserKey() {
        return EventUserKey.of(eventId, userId);
    }

    /** This application as made at {@code at}. */
    public ApplyRequest at(Instant at) {
        return new ApplyRequest(requestId, eventId, userId, at);
    }
}
