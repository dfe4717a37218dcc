package io.couponissuer.ops;

import io.couponissuer.query.EventStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The coupon_event_* series of an ended event leave the exposition after the retention: /metrics stays bounded. */
class EventMetricsTest {
    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Instant now = T0;
    private final EventMetrics metrics = new EventMetrics(registry, Duration.ofHours(24), new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    });

    private List<String> shownEvents() {
        return registry.find("coupon.event.issued").gauges().stream().map(g -> g.getId().getTag("event")).sorted().toList();
    }

    private double issued(String event) {
        Gauge gauge = registry.find("coupon.event.issued").tag("event", event).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    @Test
    void openEventsStaySoldOutAndClosedOnesLeaveAfterTheRetention() {
        EventStatus open = new EventStatus("open", 100, null, null, 40, 60);
        EventStatus soldOut = new EventStatus("sold-out", 100, null, null, 100, 0);
        EventStatus closedLongAgo = new EventStatus("closed-long-ago", 100, null, T0.minus(Duration.ofDays(3)), 10, 90);
        EventStatus closingLater = new EventStatus("closing-later", 100, null, T0.plus(Duration.ofHours(1)), 5, 95);
        List<EventStatus> all = List.of(open, soldOut, closedLongAgo, closingLater);

        metrics.update(all);
        assertThat(shownEvents()).containsExactly("closing-later", "open", "sold-out");
        assertThat(issued("sold-out")).isEqualTo(100);

        now = T0.plus(Duration.ofHours(23));
        metrics.update(all);
        assertThat(shownEvents()).containsExactly("closing-later", "open", "sold-out");

        now = T0.plus(Duration.ofHours(26)); // sold out 26 h ago, closed 25 h ago: both past a day
        metrics.update(all);
        assertThat(shownEvents()).containsExactly("open");
        assertThat(issued("open")).isEqualTo(40);
    }

    @Test
    void aCapRaisedAfterSellingOutBringsTheEventBack() {
        metrics.update(List.of(new EventStatus("restock", 100, null, null, 100, 0)));
        now = T0.plus(Duration.ofDays(2));
        metrics.update(List.of(new EventStatus("restock", 100, null, null, 100, 0)));
        assertThat(shownEvents()).isEmpty();
        metrics.update(List.of(new EventStatus("restock", 200, null, null, 100, 100)));
        assertThat(shownEvents()).containsExactly("restock");
    }
    @Test
    void aScrapeWhileTheEventsAreUpdatedSeesEveryEventOnce() throws Exception {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        EventMetrics updating = new EventMetrics(prometheus, Duration.ofHours(24), Clock.systemUTC());
        List<EventStatus> events = java.util.stream.IntStream.range(0, 50)
                .mapToObj(i -> new EventStatus("e" + i, 100, null, null, i, 100 - i)).toList();
        updating.update(events);
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread updater = new Thread(() -> {
            while (running.get()) {
                updating.update(events);
            }
        });
        updater.start();
        try {
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            int scrapes = 0;
            while (System.nanoTime() < until) {
                String exposition = prometheus.scrape();
                assertThat(exposition.lines().filter(l -> l.startsWith("coupon_event_cap{")).count())
                        .as("scrape %d", scrapes).isEqualTo(50);
                scrapes++;
            }
        } finally {
            running.set(false);
            updater.join();
        }
    }
}
