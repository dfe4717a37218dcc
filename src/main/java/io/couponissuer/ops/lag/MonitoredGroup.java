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
public record MonitoredGroup(String groupId, List<String> topics, List<String> blockingTopics) {
    /**
     * @param blockingTopics topics whose hanging transaction stops this group: what it reads, and for
     *                       the issuer also its changelogs (restore) and {@code __consumer_offsets}
     *                       (its offsets cannot be fetched while a transactional commit hangs there)
     */
    public MonitoredGroup {
        topics = List.copyOf(topics);
        blockingTopics = List.copyOf(blockingTopics);
    }

    /** The issuer (Kafka Streams application.id) and the writer. */
    public static List<MonitoredGroup> of(Settings settings) {
        String applicationId = settings.get(Setting.COUPON_APPLICATION_ID);
        return List.of(new MonitoredGroup(applicationId, List.of(Topics.APPLY_REQUESTS.name()), Topics.issuerReads(applicationId)),
                new MonitoredGroup(settings.get(Setting.COUPON_WRITER_GROUP_ID), List.of(Topics.ISSUED.name()),
                        List.of(Topics.ISSUED.name())));
    }

    boolean blockedBy(String topic) {
        return blockingTopics.contains(topic);
    }
}
