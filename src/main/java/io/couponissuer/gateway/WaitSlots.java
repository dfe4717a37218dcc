package io.couponissuer.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most COUPON_GATEWAY_MAX_WAITS ?waitMs waits in flight per gateway: each holds a registered
 * ledger waiter and one or two long polls to the issuers for up to 10 s. Past the bound, an
 * application is still taken and answered 202 PENDING at once, which every client already handles
 * (a wait that ran out answers the same), instead of an error that would make it send again.
 */
final class WaitSlots {
    private final int max;
    private final AtomicInteger taken = new AtomicInteger();
    private final Counter skipped;

    WaitSlots(int max, MeterRegistry registry) {
        this.max = max;
        this.skipped = Counter.builder("coupon.gateway.throttled").description("requests the gateway did not serve in full")
                .tag("reason", "waits").register(registry);
        Gauge.builder("coupon.gateway.waits", taken, AtomicInteger::get)
                .description("?waitMs waits in flight (long polls to the issuers and ledger waiters)").register(registry);
    }

    /** A slot for one wait, or false when the gateway holds its most already (the caller does not wait). */
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
