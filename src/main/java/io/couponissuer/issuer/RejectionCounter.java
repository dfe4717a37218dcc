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
 *
 * <p>Only defined events get a series of their own: anybody can apply for a made-up eventId, and a
 * series per made-up id would grow the registry and every scrape without bound. Their
 * {@code EVENT_UNKNOWN} rejections share the one series {@code event="}{@value #UNDEFINED_EVENT}{@code "}.
 */
public final class RejectionCounter {
    /** The event label of every undefined event; not a valid id (message.Ids), so no event can take it. */
    public static final String UNDEFINED_EVENT = "(undefined)";
    private final MeterRegistry registry;
    /** Counted on every rejection: two lookups here instead of building a meter id each time. */
    private final Map<String, Map<RejectReason, Counter>> counters = new ConcurrentHashMap<>();

    public RejectionCounter(MeterRegistry registry) {
        this.registry = registry;
    }

    void count(String eventId, RejectReason reason) {
        // Only the decider decides EVENT_UNKNOWN, and only for an event without a definition.
        String event = reason == RejectReason.EVENT_UNKNOWN ? UNDEFINED_EVENT : eventId;
        counters.computeIfAbsent(event, id -> new ConcurrentHashMap<>())
                .computeIfAbsent(reason, r -> Counter.builder("coupon.issuer.rejections")
                        .description("rejections decided (a replay can count one twice)")
                        .tag("event", event).tag("reason", r.name()).register(registry))
                .increment();
    }
}
