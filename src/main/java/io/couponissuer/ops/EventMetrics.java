package io.couponissuer.ops;

import io.couponissuer.issuer.EventStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.List;

/**
 * Per event, from the issuer's stores (exact, unlike a counter that a replay could repeat):
 * {@code coupon_event_issued}, {@code coupon_event_remaining}, {@code coupon_event_cap}, label event.
 */
public final class EventMetrics {
    private final MultiGauge issued;
    private final MultiGauge remaining;
    private final MultiGauge cap;

    public EventMetrics(MeterRegistry registry) {
        issued = MultiGauge.builder("coupon.event.issued").description("coupons issued, from the issuer's stores")
                .register(registry);
        remaining = MultiGauge.builder("coupon.event.remaining").description("coupons left: cap - issued")
                .register(registry);
        cap = MultiGauge.builder("coupon.event.cap").description("the event's cap").register(registry);
    }

    public void update(List<EventStatus> events) {
        issued.register(events.stream().map(e -> MultiGauge.Row.of(Tags.of("event", e.eventId()), e.issued())).toList(), true);
        remaining.register(events.stream().map(e -> MultiGauge.Row.of(Tags.of("event", e.eventId()), e.remaining())).toList(), true);
        cap.register(events.stream().map(e -> MultiGauge.Row.of(Tags.of("event", e.eventId()), e.cap())).toList(), true);
    }
}
