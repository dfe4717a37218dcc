package io.couponissuer.message;

import java.time.Instant;

/**
 * The definition of a coupon event. The gateway sends it on {@code coupon.apply-requests} (header
 * {@code coupon.type=EventDefinition}); the issuer publishes each accepted definition on the
 * compacted {@code coupon.events}, keyed by eventId.
 *
 * @param eventId  the event
 * @param cap      how many coupons may be issued in all; 0 or more, {@value #DEFAULT_CAP} when omitted
 * @param opensAt  optional: applications before this instant are rejected {@code NOT_OPEN}
 * @param closesAt optional: applications at or after this instant are rejected {@code CLOSED}
 */
public record EventDefinition(String eventId, Integer cap, Instant opensAt, Instant closesAt)
        implements IssuerCommand {
    public static final int DEFAULT_CAP = 100;
    /** A sanity bound: caps beyond this are a typo, not a flash sale. */
    public static final int MAX_CAP = 100_000_000;

    public EventDefinition {
        Ids.require("eventId", eventId);
        if (cap == null) {
            cap = DEFAULT_CAP;
        }
        if (cap < 0 || cap > MAX_CAP) {
            throw new InvalidMessageException("cap", "must be between 0 and " + MAX_CAP);
        }
        if (opensAt != null && closesAt != null && !opensAt.isBefore(closesAt)) {
            throw new InvalidMessageException("closesAt", "must be after opensAt");
        }
    }

    /** Where an application made at {@code at} stands against the opening window, or null when open. */
    public RejectReason windowRejection(Instant at) {
        if (opensAt != null && at.isBefore(opensAt)) {
            return RejectReason.NOT_OPEN;
        }
        if (closesAt != null && !at.isBefore(closesAt)) {
            return RejectReason.CLOSED;
        }
        return null;
    }
}
