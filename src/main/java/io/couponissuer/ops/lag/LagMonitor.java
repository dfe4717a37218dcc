package io.couponissuer.ops.lag;

import io.couponissuer.kafka.Topics;
import io.couponissuer.ops.transactions.HangingTransaction;
import io.couponissuer.ops.transactions.HangingTransactions;
import org.apache.kafka.common.TopicPartition;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples the watched groups and keeps, per partition, the samples of the sliding window and the
 * end-offset timeline; every {@link #sample()} answers with the lag, the lag in seconds and the
 * status ({@link LagRules}) as of that sample. One thread calls it.
 */
public final class LagMonitor implements AutoCloseable {
    private final List<MonitoredGroup> groups;
    private final OffsetsReader reader;
    private final Duration window;
    private final Map<Key, History> histories = new HashMap<>();
    private final HangingTransactions transactions;
    private final String bootstrapServers;
    private final Clock clock;
    private final SpreadEventPartitions spreadEvents;

    private record Key(String group, TopicPartition partition) {
    }

    /** What one partition looked like over time. */
    private static final class History {
        final Deque<LagSample> window = new ArrayDeque<>();
        final EndOffsetTimeline timeline = new EndOffsetTimeline();
        Long committed;
        Instant committedSince;
    }

    /**
     * @param transactions finds hanging transactions at each sample (null: not looked for); a group
     *                     that a confirmed one stops is HANGING
     */
    public LagMonitor(List<MonitoredGroup> groups, OffsetsReader reader, Duration window,
                      HangingTransactions transactions, String bootstrapServers, Clock clock) {
        this(groups, reader, window, transactions, bootstrapServers, clock, null);
    }

    /** @param spreadEvents names each spread event's counter partition (null: not named) */
    public LagMonitor(List<MonitoredGroup> groups, OffsetsReader reader, Duration window,
                      HangingTransactions transactions, String bootstrapServers, Clock clock,
                      SpreadEventPartitions spreadEvents) {
        this.spreadEvents = spreadEvents;
        this.groups = List.copyOf(groups);
        this.reader = reader;
        this.window = window;
        this.transactions = transactions;
        this.bootstrapServers = bootstrapServers;
        this.clock = clock;
    }

    /** The end offset of every partition of these topics, read committed (see {@link OffsetsReader#endOffsets}). */
    public Map<TopicPartition, Long> endOffsets(Collection<String> topics) {
        return reader.endOffsets(topics);
    }

    public LagReport sample() {
        List<LagReport.Group> result = new ArrayList<>();
        Instant at = Instant.EPOCH;
        List<HangingTransaction> hanging = List.of();
        String transactionsError = null;
        if (transactions != null) {
            try {
                hanging = transactions.scan();
            } catch (RuntimeException e) {
                transactionsError = "could not look for hanging transactions: " + e.getMessage();
            }
        }
        for (MonitoredGroup group : groups) {
            GroupOffsets offsets = reader.read(group);
            at = offsets.at().isAfter(at) ? offsets.at() : at;
            LagReport.Group evaluated = offsets.readable() ? evaluate(offsets)
                    : new LagReport.Group(group.groupId(), LagStatus.ERR, 0, null, offsets.error(), List.of());
            boolean stopped = hanging.stream().anyMatch(h -> h.confirmed() && group.blockedBy(h.topic()));
            result.add(stopped ? hangingGroup(evaluated) : evaluated);
        }
        Instant now = clock.instant();
        List<LagReport.Hanging> views = hanging.stream().map(h -> new LagReport.Hanging(h.topic(), h.partition(),
                h.producerId(), h.producerEpoch(), h.startOffset(), h.endOffset(), h.age(now).toSeconds(), h.confirmed(),
                h.outcome() == null ? null : h.outcome().kind().name(),
                h.ownership() == null ? null : h.ownership().kind().name(),
                groups.stream().filter(g -> g.blockedBy(h.topic())).map(MonitoredGroup::groupId).toList(),
                h.describe(now, bootstrapServers))).toList();
        return new LagReport(at, window.toMillis(), result, views, transactionsError);
    }

    private static LagReport.Group hangingGroup(LagReport.Group group) {
        String why = "a hanging transaction stops this group (see hanging transactions)";
        return new LagReport.Group(group.group(), LagStatus.HANGING, group.lag(), group.maxLagSeconds(),
                group.error() == null ? why : group.error() + "; " + why, group.partitions());
    }

    private LagReport.Group evaluate(GroupOffsets offsets) {
        Map<Integer, List<String>> counters = counters(offsets);
        List<LagReport.Partition> partitions = new ArrayList<>();
        LagStatus status = LagStatus.OK;
        long lag = 0;
        Double maxSeconds = null;
        for (PartitionOffsets p : offsets.partitions()) {
            History history = histories.computeIfAbsent(new Key(offsets.groupId(), p.partition()), k -> new History());
            Instant at = offsets.at();
            history.timeline.record(p.end(), at);
            if (history.committedSince == null || !java.util.Objects.equals(history.committed, p.committed())) {
                history.committed = p.committed();
                history.committedSince = at;
            }
            history.window.addLast(new LagSample(at, p.committed(), p.end(), p.visibleLag()));
            while (Duration.between(history.window.peekFirst().at(), at).compareTo(window) > 0) {
                history.window.removeFirst();
            }
            LagStatus partitionStatus = LagRules.status(List.copyOf(history.window), history.committedSince, window);
            double seconds = p.visibleLag() == 0 ? 0 : history.timeline.lag(p.position(), at).toMillis() / 1000.0;
            partitions.add(new LagReport.Partition(p.partition().topic(), p.partition().partition(), p.committed(),
                    p.end(), p.offsetLag(), p.visibleLag(), seconds, partitionStatus,
                    p.partition().topic().equals(Topics.APPLY_REQUESTS.name())
                            ? counters.getOrDefault(p.partition().partition(), List.of()) : List.of()));
            status = LagStatus.worst(status, partitionStatus);
            lag += p.visibleLag();
            maxSeconds = maxSeconds == null ? seconds : Math.max(maxSeconds, seconds);
        }
        return new LagReport.Group(offsets.groupId(), status, lag, maxSeconds, null, partitions);
    }

    /** Spread events by their counter's partition of the apply topic, for a group that reads it. */
    private Map<Integer, List<String>> counters(GroupOffsets offsets) {
        long applyPartitions = offsets.partitions().stream()
                .filter(p -> p.partition().topic().equals(Topics.APPLY_REQUESTS.name())).count();
        if (spreadEvents == null || applyPartitions == 0) {
            return Map.of();
        }
        try {
            return spreadEvents.counters((int) applyPartitions);
        } catch (RuntimeException e) {
            return Map.of(); // the lag still counts; only the stage-2 labels are missing this sample
        }
    }

    @Override
    public void close() {
        reader.close();
        if (spreadEvents != null) {
            spreadEvents.close();
        }
        if (transactions != null) {
            transactions.close();
        }
    }
}
