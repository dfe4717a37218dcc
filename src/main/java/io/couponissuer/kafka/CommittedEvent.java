package io.couponissuer.kafka;

import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.Rejection;
import io.couponissuer.message.StandingDecision;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a gateway has read committed of one event: the latest record on {@code coupon.events}, the
 * definition in effect with the count the issuer had when it wrote it (it writes one when it takes a
 * definition, and again in the transaction of the coupon that sells the event out), and the coupons
 * on {@code coupon.issued} (one partition, in seq order). {@link #proves} is the rule of the answers at the edge
 * (docs/architecture.md#answers-at-the-edge). Written by one reader thread, read by request threads.
 */
public final class CommittedEvent {
    private final String eventId;
    private EventDefinition definition;
    /** The issuer's count when it wrote the record of {@link #definition}; -1 when the record did not say. */
    private long issuedWhenWritten = -1;
    /** The highest seq read. */
    private long issued;
    /** Every coupon 1..issued was read and is kept in {@link #holders}. */
    private boolean complete = true;
    private Map<String, CouponIssued> holders = new HashMap<>();

    public CommittedEvent(String eventId) {
        this.eventId = eventId;
    }

    /** A record of coupon.events: the definition in effect, and the count when the issuer wrote it (-1 unknown). */
    public synchronized void defined(EventDefinition read, long issuedThen) {
        definition = read;
        issuedWhenWritten = issuedThen;
    }

    /**
     * A coupon read in its partition's order. Returns the holders this adds to what is kept: 1, or
     * minus what was kept when the event stops being complete (a seq missing, which retention does to
     * an old event, or {@code keep} false: over the gateway's bounds). Such an event is left to the issuer.
     */
    public synchronized long issued(CouponIssued coupon, boolean keep) {
        if (complete && keep && coupon.seq() == issued + 1) {
            holders.put(coupon.userId(), coupon);
            issued = coupon.seq();
            return 1;
        }
        issued = Math.max(issued, coupon.seq());
        if (!complete) {
            return 0;
        }
        complete = false;
        long dropped = holders.size();
        holders = Map.of();
        return -dropped;
    }

    /** Holders are no longer kept (a seq missing, or over the gateway's bounds): only the issuer answers for it. */
    synchronized boolean leftToIssuer() {
        return !complete;
    }

    synchronized boolean keepsFewerThan(int holdersMost) {
        return holders.size() < holdersMost;
    }

    synchronized Optional<EventDefinition> definition() {
        return Optional.ofNullable(definition);
    }

    /**
     * The decision committed state proves for this application, the one the issuer would make right
     * after the commits read so far; empty when only the issuer can tell.
     *
     * <ul>
     *   <li>A holder's DUPLICATE, with the coupon: coupons are never taken back.</li>
     *   <li>Otherwise only when every coupon up to the count on the latest definition record is read
     *       and kept, so no coupon taken before that record is missing from the holders: then, in the
     *       decider's order, the window (NOT_OPEN, CLOSED), and SOLD_OUT if that record's count is at
     *       least its cap. The count on the record, not the coupons read since: those may have been
     *       issued under a raised cap not read yet.</li>
     * </ul>
     * The rest of the rule is the caller's: a non-DUPLICATE answer holds only if the commits read include
     * every one made before the application arrived (a read barrier, {@link CommittedEvents#caughtUp(String)}).
     */
    public synchronized Optional<Rejection> proves(ApplyRequest application) {
        CouponIssued coupon = holders.get(application.userId());
        if (coupon != null) {
            return Optional.of(rejection(application, RejectReason.DUPLICATE, StandingDecision.issued(coupon)));
        }
        if (definition == null || !complete || issuedWhenWritten < 0 || issued < issuedWhenWritten) {
            return Optional.empty();
        }
        RejectReason window = definition.windowRejection(application.requestedAt());
        if (window != null) {
            return Optional.of(rejection(application, window, null));
        }
        if (issuedWhenWritten >= definition.cap()) {
            return Optional.of(rejection(application, RejectReason.SOLD_OUT, null));
        }
        return Optional.empty();
    }

    /** The user's coupon as read committed; empty also when the event's holders are not kept. */
    public synchronized Optional<CouponIssued> holding(String userId) {
        return Optional.ofNullable(holders.get(userId));
    }

    private Rejection rejection(ApplyRequest application, RejectReason reason, StandingDecision first) {
        return new Rejection(application.requestId(), eventId, application.userId(), reason,
                application.requestedAt(), first);
    }
}
