package io.couponissuer.ops.lag;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.List;

/**
 * The lag as Prometheus gauges, named like kafka-lag-exporter's so its dashboards and alerts work:
 * {@code kafka_consumergroup_group_lag} and {@code kafka_consumergroup_group_lag_seconds} with
 * labels group, topic, partition; plus {@code coupon_consumergroup_status} per group (0 OK, 1 WARN,
 * 2 STALL, 3 STOP, 4 ERR). Each sample replaces the rows, so a partition that is gone disappears.
 */
public final class LagMetrics {
    private final MultiGauge lag;
    private final MultiGauge lagSeconds;
    private final MultiGauge status;
    private final MultiGauge hanging;

    public LagMetrics(MeterRegistry registry) {
        lag = MultiGauge.builder("kafka.consumergroup.group.lag")
                .description("records the group has still to read (transaction markers not counted)").register(registry);
        lagSeconds = MultiGauge.builder("kafka.consumergroup.group.lag.seconds")
                .description("estimated age of the next record the group reads, from the end-offset timeline")
                .register(registry);
        status = MultiGauge.builder("coupon.consumergroup.status")
                .description("group status: 0 OK, 1 WARN, 2 STALL, 3 STOP, 4 ERR, 5 HANGING").register(registry);
        hanging = MultiGauge.builder("coupon.hanging.transaction.age.seconds")
                .description("age of each confirmed hanging transaction (a partition whose last stable offset cannot move)")
                .register(registry);
    }

    public void update(LagReport report) {
        List<MultiGauge.Row<?>> lagRows = new ArrayList<>();
        List<MultiGauge.Row<?>> secondsRows = new ArrayList<>();
        List<MultiGauge.Row<?>> statusRows = new ArrayList<>();
        for (LagReport.Group group : report.groups()) {
            statusRows.add(MultiGauge.Row.of(Tags.of("group", group.group()), group.status().ordinal()));
            for (LagReport.Partition p : group.partitions()) {
                Tags tags = Tags.of("group", group.group(), "topic", p.topic(), "partition", String.valueOf(p.partition()));
                lagRows.add(MultiGauge.Row.of(tags, p.lag()));
                secondsRows.add(MultiGauge.Row.of(tags, p.lagSeconds()));
            }
        }
        lag.register(lagRows, true);
        lagSeconds.register(secondsRows, true);
        status.register(statusRows, true);
        List<MultiGauge.Row<?>> hangingRows = new ArrayList<>();
        for (LagReport.Hanging h : report.hangingTransactions()) {
            if (h.confirmed()) {
                hangingRows.add(MultiGauge.Row.of(Tags.of("topic", h.topic(), "partition", String.valueOf(h.partition()),
                        "producer_id", String.valueOf(h.producerId()), "outcome", String.valueOf(h.outcome())), h.ageSeconds()));
            }
        }
        hanging.register(hangingRows, true);
    }
}
