package io.couponissuer.tools.bench;

import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.Topics;
import io.couponissuer.tools.judge.CouponRow;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs one HTTP or direct load and judges it: starts reading decisions before the first send, waits
 * until every accepted request is decided and every issued coupon is in the table (or the timeout),
 * then reads the table and builds the report.
 */
final class ApplicationBench {
    /** After the last decision: long enough for a decision that should not exist to show up too. */
    private static final long SETTLE_MS = 500;

    private final Settings settings;
    private final String jdbcUrl;
    private final Duration timeout;

    ApplicationBench(Settings settings, String jdbcUrl, Duration timeout) {
        this.settings = settings;
        this.jdbcUrl = jdbcUrl;
        this.timeout = timeout;
    }

    BenchReport run(BenchMode mode, RunPlan plan, ApplicationLoad load, int concurrency, String httpClient,
                    Integer waitMs) throws Exception {
        Map<Integer, Integer> eventsPerPartition = EventsPerPartition.of(plan.eventIds(), applyPartitions());
        Map<TopicPartition, Long> applyTopicBefore = StageLoad.endOffsets(settings);
        List<SentRequest> sent;
        List<ObservedDecision> decisions;
        List<CouponRow> rows;
        long tableComplete = 0;
        try (CouponTable table = new CouponTable(settings, jdbcUrl)) {
            DecisionCollector collector = new DecisionCollector(settings, plan).start();
            // The table's clock is the wall clock; this pair maps its times onto System.nanoTime().
            Instant wallAtStart = Instant.now();
            long nanosAtStart = System.nanoTime();
            try {
                sent = load.run(plan);
                long deadline = System.nanoTime() + timeout.toNanos();
                collector.awaitDecided(sent.stream().filter(SentRequest::accepted).map(SentRequest::requestId).toList(),
                        deadline);
                long issued = collector.decisions().stream().filter(ObservedDecision::issued).count();
                table.awaitCount(plan.eventIds(), issued, deadline);
                Thread.sleep(SETTLE_MS);
            } finally {
                collector.close();
            }
            decisions = collector.decisions();
            rows = table.rows(plan.eventIds());
            Instant lastPersisted = table.lastPersisted(plan.eventIds());
            if (lastPersisted != null) {
                tableComplete = nanosAtStart + Duration.between(wallAtStart, lastPersisted).toNanos();
            }
        }
        ExactnessVerdict verdict = new ExactnessCheck(plan.cap()).judge(plan.eventIds(), sent, decisions, rows);
        // After the timing: what each stage read, for the per-decision arithmetic.
        StageLoad stages = StageLoad.read(settings, plan, applyTopicBefore, timeout);
        return report(mode, plan, load, concurrency, httpClient, waitMs, eventsPerPartition, sent, decisions, rows, tableComplete,
                stages, verdict);
    }

    private int applyPartitions() throws Exception {
        try (Admin admin = Admin.create(ClientConfigs.admin(settings))) {
            return admin.describeTopics(List.of(Topics.APPLY_REQUESTS.name())).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(Topics.APPLY_REQUESTS.name()).partitions().size();
        }
    }

    private static BenchReport report(BenchMode mode, RunPlan plan, ApplicationLoad load, int concurrency, String httpClient,
                                      Integer waitMs, Map<Integer, Integer> eventsPerPartition, List<SentRequest> sent,
                                      List<ObservedDecision> decisions, List<CouponRow> rows, long tableComplete,
                                      StageLoad stages, ExactnessVerdict verdict) {
        Map<String, Long> firstVisible = new HashMap<>();
        decisions.forEach(d -> firstVisible.merge(d.requestId(), d.visibleNanos(), Math::min));
        List<SentRequest> accepted = sent.stream().filter(SentRequest::accepted).toList();
        long start = sent.stream().mapToLong(SentRequest::sentNanos).min().orElse(0);
        long lastAccept = accepted.stream().mapToLong(SentRequest::acceptedNanos).max().orElse(start);
        long lastDecision = decisions.stream().mapToLong(ObservedDecision::visibleNanos).max().orElse(start);
        long end = Math.max(Math.max(lastAccept, lastDecision), tableComplete);

        LatencySummary acceptLatency = LatencySummary.ofNanos(accepted.stream()
                .mapToLong(r -> r.acceptedNanos() - r.sentNanos()));
        LatencySummary decisionLatency = LatencySummary.ofNanos(accepted.stream()
                .map(r -> r.answeredNanos() > 0 ? Long.valueOf(r.answeredNanos() - r.sentNanos())
                        : firstVisible.containsKey(r.requestId()) ? firstVisible.get(r.requestId()) - r.sentNanos() : null)
                .filter(Objects::nonNull).mapToLong(Long::longValue));

        long http503 = sent.stream().filter(r -> r.status() == 503).count();
        long issued = decisions.stream().filter(ObservedDecision::issued).count();
        BenchReport.RequestCounts counts = new BenchReport.RequestCounts(sent.size(), accepted.size(), http503,
                sent.size() - accepted.size() - http503, decisions.size(), issued, decisions.size() - issued,
                (long) rows.size(), sent.stream().filter(r -> !r.accepted())
                        .collect(Collectors.groupingBy(r -> r.failure() == null ? "unknown" : r.failure(),
                                TreeMap::new, Collectors.counting())));
        Double persistedPerSec = tableComplete > 0 && !rows.isEmpty() ? perSecond(rows.size(), tableComplete - start) : null;
        return new BenchReport(mode.name().toLowerCase(), plan.runId(), plan.eventIds().size(), plan.cap(), plan.users(), plan.requests(), plan.repeats(),
                concurrency, load.applicationsPerRecord(), httpClient, waitMs, eventsPerPartition, counts, seconds(end - start),
                perSecond(accepted.size(), lastAccept - start), perSecond(decisions.size(), lastDecision - start),
                persistedPerSec, acceptLatency, decisionLatency, load.decisionTime(),
                FcfsInversions.of(sent, decisions, load.acceptTime()), plan.spread(), stages, verdict);
    }

    static double perSecond(long count, long nanos) {
        return nanos <= 0 ? 0 : Math.round(count * 1e9 / nanos * 10) / 10.0;
    }

    static double seconds(long nanos) {
        return Math.round(nanos / 1e6) / 1e3;
    }
}
