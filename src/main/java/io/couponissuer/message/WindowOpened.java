package io.couponissuer.message;

import java.time.Instant;

/**
 * A spread event's partition to every partition of coupon.apply-requests: a (re)definition took
 * effect, and {@code window} coupons were left then. A stage-1 partition may send that many first
 * claims of users on as counted; past them the counter would decide SOLD_OUT, so the partition does
 * (docs/spread-events.md#the-claim-window). Written by the issuer only, in the transaction of the definition.
 *
 * @param version  orders the definitions of the event (the definition's offset in its partition)
 * @param cap      the cap of this definition
 * @param window   coupons left when it took effect: max(0, cap - issued)
 * @param opensAt  as defined, so stage 1 rejects NOT_OPEN itself
 * @param closesAt as defined, so stage 1 rejects CLOSED itself
 */
public record WindowOpened(String eventId, long version, int cap, long window, Instant opensAt, Instant closesAt)
        implements IssuerCommand {
    public WindowOpened {
        Ids.require("eventId", eventId);
        if (version < 1 || cap < 0 || window < 0 || window > cap) {
            throw new InvalidMessageException("window", "needs version >= 1 and 0 <= window <= cap");
        }
    }
}
