package io.couponissuer.message;

/**
 * A spread event's partition to every partition of coupon.apply-requests: {@code issued} coupons are
 * out, so every definition whose cap is at most that is sold out. A fact that stays true (the count
 * never falls), so it may arrive late or twice. Written by the issuer only, in the transaction of the
 * coupon that sold the event out (or of a definition that lowered the cap to what was issued).
 */
public record EventSoldOut(String eventId, long issued) implements IssuerCommand {
    public EventSoldOut {
        Ids.require("eventId", eventId);
        if (issued < 0) {
            throw new InvalidMessageException("issued", "must be 0 or more");
        }
    }
}
