package io.couponissuer.ops;

import io.couponissuer.query.EventStatus;
import io.couponissuer.health.GaugeRows;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Per event, from the issuer's stores (exact, unlike a counter that a replay could repeat):
 * {@code coupon_event_issued}, {@code coupon_event_remaining}, {@code coupon_event_cap}, label event.
 * An event that has ended (its window closed, or sold out) leaves the exposition {@code retention}
 * later, so a system that runs a sale a day does not grow its /metrics without end.
 *
 * <p>Each event's gauges are registered once and read its latest figures (GaugeRows): an update never
 * removes and re-adds them, so a scrape during an update sees every event once (EventMetricsTest).
 */
public final class EventMetrics {
    private final Duration retention;
    private final Clock clock;
    /** When this process first saw each event sold out (the stores do not say when it happened). */
    private final Map<String, Instant> soldOutSince = new HashMap<>();
    private final GaugeRows issued;
    private final GaugeRows remaining;
    private final GaugeRows cap;

    public EventMetrics(MeterRegistry registry, Duration retention, Clock clock) {
        this.retention = retention;
        this.clock = clock;
        this.issued = new GaugeRows(registry, "coupon.event.issued", "coupons issued, from the issuer's stores");
        this.remaining = new GaugeRows(registry, "coupon.event.remaining", "coupons left: cap - issued");
        this.cap = new GaugeRows(registry, "coupon.event.cap", "the event's cap");
    }

    /** Shows these events' figures; an event not in the list, or ended long enough ago, leaves. */
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
        List<EventStatus> wanted = events.stream().filter(event -> !endedLongAgo(event, now)).toList();
        issued.update(rows(wanted, EventStatus::issued));
        remaining.update(rows(wanted, EventStatus::remaining));
        cap.update(rows(wanted, EventStatus::cap));
    }

    private static Map<Tags, Number> rows(List<EventStatus> events, ToDoubleFunction<EventStatus> value) {
        Map<Tags, Number> rows = new HashMap<>();
        events.forEach(event -> rows.put(Tags.of("event", event.eventId()), value.applyAsDouble(event)));
        return rows;
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
