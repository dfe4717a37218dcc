package io.couponissuer.issuer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code coupon_issuer_spread_total{event, step}}: what the stage-1 partitions of this instance did
 * with applications of spread events. {@code answered}: answered there (SOLD_OUT past the claim
 * window, NOT_OPEN, CLOSED); {@code claim_counted} and {@code claim_uncounted}: sent on to the event's
 * counter (stage 2), whose load is their sum; {@code rerouted}: reached the event's own partition
 * keyed by the event and were sent on to their stage-1 partition (a gateway that did not know yet).
 * Outside the transaction like {@link RejectionCounter}: a replay counts again, so read it as a rate.
 */
public final class SpreadMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public SpreadMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void answered(String eventId) {
        count(eventId, "answered");
    }

    void claimed(String eventId, boolean counted) {
        count(eventId, counted ? "claim_counted" : "claim_uncounted");
    }

    void rerouted(String eventId) {
        count(eventId, "rerouted");
    }

    private void count(String eventId, String step) {
        counters.computeIfAbsent(eventId + "/" + step, key -> Counter.builder("coupon.issuer.spread")
                .description("applications of spread events by what stage 1 did with them (a replay can count one twice)")
                .tag("event", eventId).tag("step", step).register(registry)).increment();
    }
}
