package io.couponissuer.ops.lag;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.Topics;

import java.util.List;

/**
 * A consumer group the operators watch and the topics it reads. The topics are listed so a group
 * that has not committed yet still shows its partitions (its lag counts from the log start: both
 * groups reset to earliest).
 */
public record MonitoredGroup(String groupId, List<String> topics) {
    public MonitoredGroup {
        topics = List.copyOf(topics);
    }

    /** The issuer (Kafka Streams application.id) and the writer. */
    public static List<MonitoredGroup> of(Settings settings) {
        return List.of(new MonitoredGroup(settings.get(Setting.COUPON_APPLICATION_ID), List.of(Topics.APPLY_REQUESTS)),
                new MonitoredGroup(settings.get(Setting.COUPON_WRITER_GROUP_ID), List.of(Topics.ISSUED)));
    }
}
