package io.couponissuer.issuer;

import io.couponissuer.message.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code coupon_issuer_rejections_total{event, reason}}: rejections decided by this instance.
 *
 * <p>Unlike the issued count (exact, from the issued-counts store), this counter lives outside the
 * transaction: when a task replays uncommitted input after a crash or a rebalance under
 * exactly_once_v2, the replayed rejections are counted again. Treat it as a rate, not a ledger;
 * the ledger is coupon.rejected read with read_committed.
 */
public final class RejectionCounter {
    private final MeterRegistry registry;
    /** Counted on every rejection: two lookups here instead of building a meter id each time. */
    private final Map<String, Map<RejectReason, Counter>> counters = new ConcurrentHashMap<>();

    public RejectionCounter(MeterRegistry registry) {
        this.registry = registry;
    }

    void count(String eventId, RejectReason reason) {
        counters.computeIfAbsent(eventId, id -> new ConcurrentHashMap<>())
                .computeIfAbsent(reason, r -> Counter.builder("coupon.issuer.rejections")
                        .description("rejections decided (a replay can count one twice)")
                        .tag("event", eventId).tag("reason", r.name()).register(registry))
                .increment();
    }
}
