package io.couponissuer.ops.lag;

import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads committed and end offsets of consumer groups with the Admin API, like
 * {@code kafka-consumer-groups --describe}, plus one correction those tools lack.
 *
 * <p>End offsets are the last stable offset ({@code OffsetSpec.latest()} with read_committed), the
 * end a read_committed consumer can reach. A transactional topic (coupon.issued, written by the
 * issuer under exactly_once_v2) ends in a commit marker: a consumer that read everything and
 * committed "last record + 1" (the writer does) sits one offset before the end, and offset-only
 * tools show lag 1 forever. So when the gap between the committed offset and the end is small
 * (at most {@link #PROBE_LIMIT}), it is probed: a read_committed consumer without a group fetches
 * from the committed offset to the end and counts the records it is given; markers and aborted
 * records are not given to it. That count is the lag. Bigger gaps are reported as offsets (a
 * marker per transaction may be counted then). Probe results are cached per (partition, committed,
 * end), so an idle group is probed once.
 *
 * <p>Not thread-safe: one sampler thread uses it.
 */
public final class OffsetsReader implements AutoCloseable {
    /** Gaps up to this many offsets are probed for markers. */
    public static final int PROBE_LIMIT = 64;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> probe;
    private final Clock clock;
    private final Duration timeout;
    private final Map<ProbeKey, Long> probed = new HashMap<>();

    private record ProbeKey(TopicPartition partition, long from, long end) {
    }

    public OffsetsReader(Settings settings, Clock clock, Duration timeout) {
        this.clock = clock;
        this.timeout = timeout;
        Map<String, Object> adminConfig = ClientConfigs.admin(settings);
        adminConfig.put("client.id", "coupon-lag");
        this.admin = Admin.create(adminConfig);
        Map<String, Object> consumerConfig = ClientConfigs.readCommittedConsumer(settings, null, "coupon-lag-probe");
        consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, PROBE_LIMIT);
        this.probe = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    public GroupOffsets read(MonitoredGroup group) {
        var at = clock.instant();
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId(),
                            new ListConsumerGroupOffsetsOptions().timeoutMs((int) timeout.toMillis()))
                    .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            TreeSet<TopicPartition> partitions = new TreeSet<>(
                    Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
            for (TopicDescription topic : admin.describeTopics(group.topics()).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).values()) {
                topic.partitions().forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
            }
            committed.forEach((partition, offset) -> {
                if (offset != null) {
                    partitions.add(partition);
                }
            });
            Map<TopicPartition, Long> ends = offsets(partitions, OffsetSpec.latest());
            Map<TopicPartition, Long> starts = offsets(partitions, OffsetSpec.earliest());
            List<PartitionOffsets> result = new ArrayList<>(partitions.size());
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = committed.get(partition);
                Long committedOffset = offset == null ? null : offset.offset();
                long end = ends.get(partition);
                long logStart = starts.get(partition);
                long from = committedOffset != null ? committedOffset : logStart;
                result.add(new PartitionOffsets(partition, committedOffset, end, logStart, visibleLag(partition, from, end)));
            }
            return GroupOffsets.read(group.groupId(), at, result);
        } catch (ExecutionException e) {
            return GroupOffsets.failed(group.groupId(), at, describe(e.getCause()));
        } catch (TimeoutException e) {
            return GroupOffsets.failed(group.groupId(), at, "no answer from Kafka within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return GroupOffsets.failed(group.groupId(), at, "interrupted");
        } catch (RuntimeException e) {
            return GroupOffsets.failed(group.groupId(), at, describe(e));
        }
    }

    /**
     * The end offset (read_committed: the last stable offset) of every partition of these topics; a
     * topic that does not exist fails the read.
     */
    public Map<TopicPartition, Long> endOffsets(Collection<String> topics) {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (TopicDescription topic : admin.describeTopics(topics).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).values()) {
                topic.partitions().forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
            }
            return offsets(partitions, OffsetSpec.latest());
        } catch (ExecutionException e) {
            throw new IllegalStateException(describe(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from Kafka within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private Map<TopicPartition, Long> offsets(Iterable<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(partition -> request.put(partition, spec));
        ListOffsetsOptions options = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        options.timeoutMs((int) timeout.toMillis());
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> answer = admin.listOffsets(request, options).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        answer.forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    private long visibleLag(TopicPartition partition, long from, long end) {
        long gap = end - from;
        if (gap <= 0) {
            return 0;
        }
        if (gap > PROBE_LIMIT) {
            return gap;
        }
        ProbeKey key = new ProbeKey(partition, from, end);
        Long known = probed.get(key);
        if (known != null) {
            return known;
        }
        Long counted = countVisible(partition, from, end);
        if (counted == null) {
            return gap; // the probe could not reach the end in time: report what the offsets say
        }
        probed.keySet().removeIf(k -> k.partition().equals(partition)); // one cached answer per partition
        probed.put(key, counted);
        return counted;
    }

    /** Records a read_committed consumer gets between from and end; null when it could not get to the end. */
    private Long countVisible(TopicPartition partition, long from, long end) {
        probe.assign(List.of(partition));
        probe.seek(partition, from);
        long deadline = System.nanoTime() + PROBE_TIMEOUT.toNanos();
        long visible = 0;
        // The position moves past markers and aborted records too, so it reaches the end even when
        // no record is returned.
        while (probe.position(partition) < end) {
            if (System.nanoTime() - deadline > 0) {
                return null;
            }
            for (ConsumerRecord<byte[], byte[]> record : probe.poll(Duration.ofMillis(100))) {
                if (record.offset() >= from && record.offset() < end) {
                    visible++;
                }
            }
        }
        return visible;
    }

    private static String describe(Throwable error) {
        return error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
    }

    @Override
    public void close() {
        probe.close(Duration.ofSeconds(2));
        admin.close(Duration.ofSeconds(2));
    }
}
