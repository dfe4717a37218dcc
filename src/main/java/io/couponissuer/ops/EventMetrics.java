package io.couponissuer.ops;

import io.couponissuer.query.EventStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

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
 * <p>Each event's gauges are registered once and read its latest figures; an update never removes and
 * re-adds them. Micrometer's MultiGauge did (overwrite), and a scrape during an update then missed an
 * event or failed with DuplicateLabelsException (EventMetricsTest; Micrometer #6851).
 */
public final class EventMetrics {
    private final MeterRegistry registry;
    private final Duration retention;
    private final Clock clock;
    /** When this process first saw each event sold out (the stores do not say when it happened). */
    private final Map<String, Instant> soldOutSince = new HashMap<>();
    /** The events shown now, each with its gauges. */
    private final Map<String, Shown> shown = new HashMap<>();

    /** One event's latest figures and the gauges that read them. */
    private static final class Shown {
        volatile EventStatus status;
        final List<Gauge> gauges;

        Shown(EventStatus status, MeterRegistry registry) {
            this.status = status;
            this.gauges = List.of(
                    gauge(registry, "coupon.event.issued", "coupons issued, from the issuer's stores", s -> s.issued()),
                    gauge(registry, "coupon.event.remaining", "coupons left: cap - issued", s -> s.remaining()),
                    gauge(registry, "coupon.event.cap", "the event's cap", s -> s.cap()));
        }

        private Gauge gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<EventStatus> value) {
            return Gauge.builder(name, this, shown -> value.applyAsDouble(shown.status)).description(description)
                    .tag("event", status.eventId()).strongReference(true).register(registry);
        }
    }

    public EventMetrics(MeterRegistry registry, Duration retention, Clock clock) {
        this.registry = registry;
        this.retention = retention;
        this.clock = clock;
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
        Map<String, EventStatus> wanted = events.stream().filter(event -> !endedLongAgo(event, now))
                .collect(Collectors.toMap(EventStatus::eventId, event -> event, (a, b) -> b));
        shown.entrySet().removeIf(entry -> {
            if (wanted.containsKey(entry.getKey())) {
                return false;
            }
            entry.getValue().gauges.forEach(registry::remove);
            return true;
        });
        wanted.forEach((eventId, status) -> {
            Shown row = shown.get(eventId);
            if (row == null) {
                shown.put(eventId, new Shown(status, registry));
            } else {
                row.status = status;
            }
        });
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
