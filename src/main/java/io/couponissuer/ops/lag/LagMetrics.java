package io.couponissuer.ops.lag;

import io.couponissuer.health.GaugeRows;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.apache.kafka.common.TopicPartition;

import java.util.Map;
import java.util.HashMap;


/**
 * The lag as Prometheus gauges, named like kafka-lag-exporter's so its dashboards and alerts work:
 * {@code kafka_consumergroup_group_lag} and {@code kafka_consumergroup_group_lag_seconds} with
 * labels group, topic, partition; plus {@code coupon_consumergroup_status} per group (0 OK, 1 WARN,
 * 2 STALL, 3 STOP, 4 ERR), and {@code coupon_spread_counter_lag} / {@code _seconds} per spread event
 * and group: the lag of the partition its counter (stage 2) reads. Each sample replaces the rows, so
 * a partition that is gone disappears. And {@code kafka_partition_latest_offset} (topic, partition),
 * kafka-lag-exporter's name too, for the project's topics: records arriving on coupon.failed show there.
 */
public final class LagMetrics {
    private final GaugeRows lag;
    private final GaugeRows lagSeconds;
    private final GaugeRows status;
    private final GaugeRows hanging;
    private final GaugeRows counterLag;
    private final GaugeRows counterLagSeconds;
    private final GaugeRows latestOffsets;

    public LagMetrics(MeterRegistry registry) {
        lag = new GaugeRows(registry, "kafka.consumergroup.group.lag",
                "records the group has still to read (transaction markers not counted)");
        lagSeconds = new GaugeRows(registry, "kafka.consumergroup.group.lag.seconds",
                "estimated age of the next record the group reads, from the end-offset timeline");
        status = new GaugeRows(registry, "coupon.consumergroup.status",
                "group status: 0 OK, 1 WARN, 2 STALL, 3 STOP, 4 ERR, 5 HANGING");
        hanging = new GaugeRows(registry, "coupon.hanging.transaction.age.seconds",
                "age of each confirmed hanging transaction (a partition whose last stable offset cannot move)");
        counterLag = new GaugeRows(registry, "coupon.spread.counter.lag",
                "records still to read on the partition of a spread event's counter (stage 2)");
        counterLagSeconds = new GaugeRows(registry, "coupon.spread.counter.lag.seconds",
                "estimated age of the next record on the partition of a spread event's counter (stage 2)");
        latestOffsets = new GaugeRows(registry, "kafka.partition.latest.offset",
                "end offset of each partition of the project's topics, read committed (records and transaction markers)");
    }

    public void updateEndOffsets(Map<TopicPartition, Long> ends) {
        Map<Tags, Number> rows = new HashMap<>();
        ends.forEach((partition, end) -> rows.put(
                Tags.of("topic", partition.topic(), "partition", String.valueOf(partition.partition())), end));
        latestOffsets.update(rows);
    }

    public void update(LagReport report) {
        Map<Tags, Number> lagRows = new HashMap<>();
        Map<Tags, Number> secondsRows = new HashMap<>();
        Map<Tags, Number> statusRows = new HashMap<>();
        Map<Tags, Number> counterRows = new HashMap<>();
        Map<Tags, Number> counterSecondsRows = new HashMap<>();
        for (LagReport.Group group : report.groups()) {
            statusRows.put(Tags.of("group", group.group()), group.status().ordinal());
            for (LagReport.Partition p : group.partitions()) {
                Tags tags = Tags.of("group", group.group(), "topic", p.topic(), "partition", String.valueOf(p.partition()));
                lagRows.put(tags, p.lag());
                secondsRows.put(tags, p.lagSeconds());
                for (String eventId : p.counterOf()) {
                    Tags counter = Tags.of("event", eventId, "group", group.group(), "partition", String.valueOf(p.partition()));
                    counterRows.put(counter, p.lag());
                    counterSecondsRows.put(counter, p.lagSeconds());
                }
            }
        }
        lag.update(lagRows);
        lagSeconds.update(secondsRows);
        status.update(statusRows);
        counterLag.update(counterRows);
        counterLagSeconds.update(counterSecondsRows);
        Map<Tags, Number> hangingRows = new HashMap<>();
        for (LagReport.Hanging h : report.hangingTransactions()) {
            if (h.confirmed()) {
                hangingRows.put(Tags.of("topic", h.topic(), "partition", String.valueOf(h.partition()),
                        "producer_id", String.valueOf(h.producerId()), "outcome", String.valueOf(h.outcome()), "owner", String.valueOf(h.owner())), h.ageSeconds());
            }
        }
        hanging.update(hangingRows);
    }
}
