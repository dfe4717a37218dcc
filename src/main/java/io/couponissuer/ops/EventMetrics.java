package io.couponissuer.ops;

import io.couponissuer.query.EventStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Per event, from the issuer's stores (exact, unlike a counter that a replay could repeat):
 * {@code coupon_event_issued}, {@code coupon_event_remaining}, {@code coupon_event_cap}, label event.
 * An event that has ended (its window closed, or sold out) leaves the exposition {@code retention}
 * later, so a system that runs a sale a day does not grow its /metrics without end.
 */
public final class EventMetrics {
    private final MultiGauge issued;
    private final MultiGauge remaining;
    private final MultiGauge cap;
    private final Duration retention;
    private final Clock clock;
    /** When this process first saw each event sold out (the stores do not say when it happened). */
    private final Map<String, Instant> soldOutSince = new HashMap<>();

    public EventMetrics(MeterRegistry registry, Duration retention, Clock clock) {
        this.retention = retention;
        this.clock = clock;
        issued = MultiGauge.builder("coupon.event.issued").description("coupons issued, from the issuer's stores")
                .register(registry);
        remaining = MultiGauge.builder("coupon.event.remaining").description("coupons left: cap - issued")
                .register(registry);
        cap = MultiGauge.builder("coupon.event.cap").description("the event's cap").register(registry);
    }

    /** Replaces the rows with these events' (overwrite: an event not in the list, or ended long enough ago, leaves). */
    public synchronized void update(List<EventStatus> events) {
        Instant now = clock.instant();
        Set<String> present = events.stream().map(EventStatus::eventId).collect(Collectors.toSet());
        soldOutSince.keySet().retainAll(present);
        for (EventStatus event : events) {
            if (event.remaining() == 0) {
                soldOutSince.putIfAbsent(event.eventId(), now);
            } else {
                soldOutSince.remove(event.eventId());
            }
        }
        List<EventStatus> shown = events.stream().filter(event -> !endedLongAgo(event, now)).toList();
        issued.register(shown.stream().map(e -> MultiGauge.Row.of(Tags.of("event", e.eventId()), e.issued())).toList(), true);
        remaining.register(shown.stream().map(e -> MultiGauge.Row.of(Tags.of("event", e.eventId()), e.remaining())).toList(), true);
        cap.register(shown.stream().map(e -> MultiGauge.Row.of(Tags.of("event", e.eventId()), e.cap())).toList(), true);
    }

    private boolean endedLongAgo(EventStatus event, Instant now) {
        Instant ended = event.closesAt();
        Instant soldOut = soldOutSince.get(event.eventId());
        if (soldOut != null && (ended == null || soldOut.isBefore(ended))) {
            ended = soldOut;
        }
        return ended != null && ended.plus(retention).isBefore(now);
    }
}
