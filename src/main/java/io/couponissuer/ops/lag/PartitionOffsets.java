package io.couponissuer.ops.lag;

import org.apache.kafka.common.TopicPartition;

/**
 * What Kafka says about one partition of one group at one moment.
 *
 * @param committed  the group's committed offset, null when it has none
 * @param end        the last stable offset (Admin listOffsets, latest, read_committed)
 * @param logStart   the earliest offset (where a group without a commit starts: both groups reset to earliest)
 * @param visibleLag records a read_committed consumer at the committed offset would still get; equals
 *                   {@code end - position} unless the gap was probed and held transaction markers or
 *                   aborted records
 */
public record PartitionOffsets(TopicPartition partition, Long committed, long end, long logStart, long visibleLag) {
    public long position() {
        return committed != null ? committed : logStart;
    }

    /** What offset-only tools (kafka-consumer-groups) print as LAG. */
    public long offsetLag() {
        return Math.max(0, end - position());
    }
}
