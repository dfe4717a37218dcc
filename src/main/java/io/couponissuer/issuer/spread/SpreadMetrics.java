package io.couponissuer.issuer.spread;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code coupon_issuer_spread_total{event, step}}: what the stage-1 partitions of this instance did
 * with applications of spread events. {@code answered}: rejected there (SOLD_OUT past the claim
 * window, DUPLICATE, NOT_OPEN, CLOSED); {@code claim_counted} and {@code claim_uncounted}: sent on to
 * the event's counter (stage 2), whose load is their sum; {@code rerouted}: reached the event's own
 * partition keyed by the event and were sent on to their stage-1 partition (a gateway that did not
 * know yet). Outside the transaction like the issuer's rejection counter: a replay counts again, so
 * read it as a rate. An application keyed eventId/userId for an event this partition has not heard of
 * (anybody can produce one) is counted under the rejection counter's label for undefined events, for
 * the same bound.
 */
public final class SpreadMetrics {
    private final MeterRegistry registry;
    private final String undefinedEvent;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    /** @param undefinedEvent the event label every undefined event shares (issuer.RejectionCounter's) */
    public SpreadMetrics(MeterRegistry registry, String undefinedEvent) {
        this.registry = registry;
        this.undefinedEvent = undefinedEvent;
    }

    void answered(String eventId) {
        count(eventId, "answered");
    }

    /** @param known whether this partition has heard of the event from its counter (a defined event) */
    void claimed(String eventId, boolean counted, boolean known) {
        count(known ? eventId : undefinedEvent, counted ? "claim_counted" : "claim_uncounted");
    }

    public void rerouted(String eventId) {
        count(eventId, "rerouted");
    }

    private void count(String eventId, String step) {
        counters.computeIfAbsent(eventId + "/" + step, key -> Counter.builder("coupon.issuer.spread")
                .description("applications of spread events by what stage 1 did with them (a replay can count one twice)")
                .tag("event", eventId).tag("step", step).register(registry)).increment();
    }
}
