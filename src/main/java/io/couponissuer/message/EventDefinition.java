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
 * @param spread   optional, false when omitted: decide the event's applications on every partition of
 *                 {@code coupon.apply-requests} (two stages, docs/spread-events.md)
 *                 instead of on the event's one partition. Chosen when the event is first defined: a
 *                 redefinition keeps it, whatever it says (the claim windows count on it)
 */
public record EventDefinition(String eventId, Integer cap, Instant opensAt, Instant closesAt, Boolean spread)
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
        if (spread == null) {
            spread = false;
        }
    }

    /** An event decided on its one partition. */
    public EventDefinition(String eventId, Integer cap, Instant opensAt, Instant closesAt) {
        this(eventId, cap, opensAt, closesAt, false);
    }

    public boolean isSpread() {
        return Boolean.TRUE.equals(spread);
    }

    /** This definition with the spread the event was first defined with. */
    public EventDefinition withSpread(boolean firstSpread) {
        return firstSpread == isSpread() ? this : new EventDefinition(eventId, cap, opensAt, closesAt, firstSpread);
    }

    /** Where an application made at {@code at} stands against the opening window, or null when open. */
    public RejectReason windowRejection(Instant at) {
        return windowRejection(opensAt, closesAt, at);
    }

    /** The opening-window rule, written once: stage-1 partitions apply it to the window they were told. */
    public static RejectReason windowRejection(Instant opensAt, Instant closesAt, Instant at) {
        if (opensAt != null && at.isBefore(opensAt)) {
            return RejectReason.NOT_OPEN;
        }
        if (closesAt != null && !at.isBefore(closesAt)) {
            return RejectReason.CLOSED;
        }
        return null;
    }
}
