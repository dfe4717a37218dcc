package io.couponissuer.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bound on how many requests of one kind a gateway keeps open at once. Past it the request is
 * answered at once in the cheaper way (counted as {@code coupon_gateway_throttled_total{reason}}),
 * so what the gateway holds is bounded by configuration, not by the callers.
 */
final class WaitSlots {
    private final int max;
    private final AtomicInteger taken = new AtomicInteger();
    private final Counter skipped;

    private WaitSlots(int max, MeterRegistry registry, String gauge, String gaugeDescription, String reason) {
        this.max = max;
        this.skipped = Counter.builder("coupon.gateway.throttled").description("requests the gateway did not serve in full")
                .tag("reason", reason).register(registry);
        Gauge.builder(gauge, taken, AtomicInteger::get).description(gaugeDescription).register(registry);
    }

    /**
     * COUPON_GATEWAY_MAX_WAITS ?waitMs waits: each holds a ledger waiter and a registration on the
     * issuers' answers for up to 10 s. Past the bound an application is still taken and answered 202 PENDING at
     * once, which every client already handles (a wait that ran out answers the same), instead of an
     * error that would make it send again.
     */
    static WaitSlots waits(int max, MeterRegistry registry) {
        return new WaitSlots(max, registry, "coupon.gateway.waits",
                "?waitMs waits in flight (ledger waiters and registrations on the issuers' answers)", "waits");
    }

    /** COUPON_GATEWAY_MAX_THROTTLE_HOLDS 429s held back before they are sent ({@link ClientRateLimit}). */
    static WaitSlots throttleHolds(int max, MeterRegistry registry) {
        return new WaitSlots(max, registry, "coupon.gateway.throttle.holds",
                "429 answers held back before they are sent", "throttle_holds");
    }

    /** A slot, or false when the gateway holds its most already (the caller answers at once). */
    boolean tryTake() {
        while (true) {
            int now = taken.get();
            if (now >= max) {
                skipped.increment();
                return false;
            }
            if (taken.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void release() {
        taken.decrementAndGet();
    }
}
