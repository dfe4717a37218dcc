package io.couponissuer.issuer;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which stores the issuer is restoring from their changelogs, how far it has got and since when it
 * has not moved: readiness names them, so a restore that waits on a changelog partition (a
 * hanging transaction holds its last stable offset) is told apart from one that is merely long.
 */
final class RestoreProgress implements StateRestoreListener {
    private final Clock clock;
    private final Map<TopicPartition, Restoring> restoring = new ConcurrentHashMap<>();

    /**
     * @param position    the next changelog offset to restore
     * @param end         the offset the restore must reach (the changelog's end when it started)
     * @param movedAt     when position last changed (the start, until the first batch)
     */
    record Restoring(TopicPartition changelog, String store, long start, long position, long end, long restored,
                     Instant startedAt, Instant movedAt) {
        String describe(Instant now) {
            return "restoring " + store + " from " + changelog + ": " + restored + " records, at offset " + position
                    + " of " + end + ", for " + Duration.between(startedAt, now).toSeconds() + " s, no progress for "
                    + Duration.between(movedAt, now).toSeconds() + " s";
        }
    }

    RestoreProgress(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
        Instant now = clock.instant();
        restoring.put(partition, new Restoring(partition, store, startingOffset, startingOffset, endingOffset, 0, now, now));
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
        restoring.computeIfPresent(partition, (p, r) -> new Restoring(p, r.store(), r.start(), batchEndOffset + 1,
                r.end(), r.restored() + numRestored, r.startedAt(), clock.instant()));
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        restoring.remove(partition);
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
        restoring.remove(partition);
    }

    /** The restores in progress, the longest without progress first. */
    List<Restoring> inProgress() {
        return restoring.values().stream().sorted(Comparator.comparing(Restoring::movedAt)).toList();
    }

    /** Changelog partitions being restored now. */
    int partitions() {
        return restoring.size();
    }

    /** Records still to restore, summed over the restores in progress (each to the end it started with). */
    long remainingRecords() {
        return restoring.values().stream().mapToLong(r -> Math.max(0, r.end() - r.position())).sum();
    }

    /** One line per restore in progress, for readiness; empty when none. */
    String describe() {
        Instant now = clock.instant();
        return String.join("; ", inProgress().stream().map(r -> r.describe(now)).toList());
    }
}
