package io.couponissuer.ops;

import io.couponissuer.kafka.Topics;
import io.couponissuer.ops.lag.LagMetrics;
import io.couponissuer.ops.lag.LagMonitor;
import io.couponissuer.ops.lag.LagReport;
import io.couponissuer.query.EventStatus;
import io.couponissuer.query.IssuerQueries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The background sampler of the gateway process: every interval it samples the lag of both groups
 * and lists the events from the issuer's stores, updates the gauges ({@link LagMetrics},
 * {@link EventMetrics}) and keeps the last minutes for the /ops page. It runs in the gateway process
 * only, so each series is exported once however many issuers and writers run.
 */
public final class OpsMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpsMonitor.class);
    /** How far back the /ops charts go. */
    static final Duration HISTORY = Duration.ofMinutes(10);

    private final LagMonitor lag;
    private final IssuerQueries queries;
    private final String issuerGroup;
    private final String writerGroup;
    private final LagMetrics lagMetrics;
    private final EventMetrics eventMetrics;
    private final Duration interval;
    private final Clock clock;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "ops-sampler");
        thread.setDaemon(true);
        return thread;
    });
    private final Deque<OpsSummary.Point> history = new ArrayDeque<>();
    private LagReport previous;
    private List<EventStatus> events = List.of();
    private volatile OpsSummary summary;

    public OpsMonitor(LagMonitor lag, IssuerQueries queries, String issuerGroup, String writerGroup,
                      LagMetrics lagMetrics, EventMetrics eventMetrics, Duration interval, Clock clock) {
        this.lag = lag;
        this.queries = queries;
        this.issuerGroup = issuerGroup;
        this.writerGroup = writerGroup;
        this.lagMetrics = lagMetrics;
        this.eventMetrics = eventMetrics;
        this.interval = interval;
        this.clock = clock;
        this.summary = OpsSummary.notSampledYet(clock.instant());
    }

    public OpsMonitor start() {
        sampler.scheduleWithFixedDelay(this::sampleSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    public OpsSummary summary() {
        return summary;
    }

    private void sampleSafely() {
        try {
            sample();
        } catch (RuntimeException e) {
            LOG.warn("Ops sample failed: {}", e.toString());
        }
    }

    /** One sample; the sampler thread only. */
    void sample() {
        LagReport report = lag.sample();
        lagMetrics.update(report);
        try {
            lagMetrics.updateEndOffsets(lag.endOffsets(Topics.NAMES));
        } catch (RuntimeException e) {
            LOG.debug("End offsets not read: {}", e.getMessage()); // the lag report says what Kafka answered
        }
        String eventsError = null;
        try {
            events = queries.events();
            eventMetrics.update(events);
        } catch (IssuerQueries.UnavailableException e) {
            eventsError = e.getMessage(); // keep showing the last known counts
        }
        history.addLast(point(report));
        while (Duration.between(history.peekFirst().at(), report.at()).compareTo(HISTORY) > 0) {
            history.removeFirst();
        }
        previous = report;
        summary = new OpsSummary(clock.instant(), events, eventsError, report, List.copyOf(history));
    }

    private OpsSummary.Point point(LagReport report) {
        Map<String, Long> lagByGroup = new LinkedHashMap<>();
        Map<String, Double> secondsByGroup = new LinkedHashMap<>();
        for (LagReport.Group group : report.groups()) {
            lagByGroup.put(group.group(), group.lag());
            secondsByGroup.put(group.group(), group.maxLagSeconds());
        }
        return new OpsSummary.Point(report.at(), lagByGroup, secondsByGroup,
                rate(report, issuerGroup, true), rate(report, issuerGroup, false), rate(report, writerGroup, false));
    }

    /** Offsets per second since the previous report: of the end offsets, or of the group's positions. */
    private Double rate(LagReport report, String group, boolean endOffsets) {
        if (previous == null) {
            return null;
        }
        Long now = total(report, group, endOffsets);
        Long before = total(previous, group, endOffsets);
        double seconds = Duration.between(previous.at(), report.at()).toMillis() / 1000.0;
        if (now == null || before == null || seconds <= 0) {
            return null;
        }
        return Math.max(0, now - before) / seconds;
    }

    private static Long total(LagReport report, String groupId, boolean endOffsets) {
        LagReport.Group group = report.groups().stream().filter(g -> g.group().equals(groupId)).findFirst().orElse(null);
        if (group == null || group.error() != null) {
            return null;
        }
        long sum = 0;
        for (LagReport.Partition p : group.partitions()) {
            sum += endOffsets ? p.end() : p.end() - p.offsetLag();
        }
        return sum;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        try {
            sampler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lag.close();
    }
}
