package io.couponissuer.ops.lag;

import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
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

    private record Key(String group, TopicPartition partition) {
    }

    /** What one partition looked like over time. */
    private static final class History {
        final Deque<LagSample> window = new ArrayDeque<>();
        final EndOffsetTimeline timeline = new EndOffsetTimeline();
        Long committed;
        Instant committedSince;
    }

    public LagMonitor(List<MonitoredGroup> groups, OffsetsReader reader, Duration window) {
        this.groups = List.copyOf(groups);
        this.reader = reader;
        this.window = window;
    }

    public Duration window() {
        return window;
    }

    public LagReport sample() {
        List<LagReport.Group> result = new ArrayList<>();
        Instant at = Instant.EPOCH;
        for (MonitoredGroup group : groups) {
            GroupOffsets offsets = reader.read(group);
            at = offsets.at().isAfter(at) ? offsets.at() : at;
            result.add(offsets.readable() ? evaluate(offsets)
                    : new LagReport.Group(group.groupId(), LagStatus.ERR, 0, null, offsets.error(), List.of()));
        }
        return new LagReport(at, window.toMillis(), result);
    }

    private LagReport.Group evaluate(GroupOffsets offsets) {
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
                    p.end(), p.offsetLag(), p.visibleLag(), seconds, partitionStatus));
            status = LagStatus.worst(status, partitionStatus);
            lag += p.visibleLag();
            maxSeconds = maxSeconds == null ? seconds : Math.max(maxSeconds, seconds);
        }
        return new LagReport.Group(offsets.groupId(), status, lag, maxSeconds, null, partitions);
    }

    @Override
    public void close() {
        reader.close();
    }
}
