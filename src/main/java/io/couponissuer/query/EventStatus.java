package io.couponissuer.query;

import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.RejectReason;

import java.time.Instant;

/**
 * An event as the issuer sees it now: its definition, how many coupons went out, how many are left.
 *
 * @param spread whether its applications are decided on every partition (fixed when first defined)
 */
public record EventStatus(String eventId, int cap, Instant opensAt, Instant closesAt, long issued, long remaining,
                          boolean spread) {
    /** An event decided on its one partition. */
    public EventStatus(String eventId, int cap, Instant opensAt, Instant closesAt, long issued, long remaining) {
        this(eventId, cap, opensAt, closesAt, issued, remaining, false);
    }

    /** Every coupon of the cap is issued: any applicant without one is answered SOLD_OUT. */
    public boolean soldOut() {
        return remaining == 0;
    }

    /** The event's state at {@code now}: the window first (the issuer's own rule), then the coupons left. */
    public EventState state(Instant now) {
        RejectReason outside = EventDefinition.windowRejection(opensAt, closesAt, now);
        if (outside == RejectReason.NOT_OPEN) {
            return EventState.NOT_OPEN;
        }
        if (outside == RejectReason.CLOSED) {
            return EventState.CLOSED;
        }
        return soldOut() ? EventState.SOLD_OUT : EventState.OPEN;
    }

    public static EventStatus of(EventDefinition definition, long issued) {
        return new EventStatus(definition.eventId(), definition.cap(), definition.opensAt(), definition.closesAt(),
                issued, Math.max(0, definition.cap() - issued), definition.isSpread());
    }
}
