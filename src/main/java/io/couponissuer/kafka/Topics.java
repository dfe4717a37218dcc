package io.couponissuer.kafka;

import io.couponissuer.message.Decision;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.message.Rejection;
import io.couponissuer.message.RejectionBatch;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.config.TopicConfig;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Every topic of the system, with its partitions and configs: the one place they are defined. */
public final class Topics {
    /**
     * Applications and event definitions, keyed by eventId (one event, one partition, one order).
     * The {@code coupon.type} header says which; without it a value is an application.
     */
    public static final Topic<IssuerCommand> APPLY_REQUESTS = new Topic<>("coupon.apply-requests",
            new IssuerCommandSerde());
    /**
     * Accepted event definitions, compacted, keyed by eventId: the definition in effect, written when the
     * issuer takes it and again when the event sells out under it ({@link #ISSUED_COUNT_HEADER}).
     */
    public static final Topic<EventDefinition> EVENTS = new Topic<>("coupon.events",
            new JsonSerde<>(EventDefinition.class));
    /**
     * The header on every record of {@link #EVENTS}: how many coupons the issuer had issued when it wrote
     * it, in decimal. The issuer writes the definition in effect when it takes it, and again in the
     * transaction of the coupon that sells the event out. With it a reader knows which coupons it must
     * have read before it may answer under that definition, and whether the event is sold out under it
     * (kafka.CommittedEvent).
     */
    public static final String ISSUED_COUNT_HEADER = "coupon.issued-count";
    /** Issued coupons, keyed by eventId. */
    public static final Topic<CouponIssued> ISSUED = new Topic<>("coupon.issued", new JsonSerde<>(CouponIssued.class));
    /**
     * Rejected applications with the reason, keyed by eventId: one {@link Rejection} per record, or,
     * for an {@link io.couponissuer.message.ApplyBatch}, the batch's rejections in one record
     * ({@link #REJECTION_BATCHES}). Read both with {@link #readDecisions}.
     */
    public static final Topic<Rejection> REJECTED = new Topic<>("coupon.rejected", new JsonSerde<>(Rejection.class));
    /**
     * The header on a record of {@link #REJECTED} that a gateway wrote: rejections it decided at the edge
     * from committed records (docs/architecture.md#answers-at-the-edge), with the gateway's id. A record
     * without it was written by an issuer.
     */
    public static final String DECIDED_BY_HEADER = "coupon.decided-by";
    /** The batch shape of {@link #REJECTED}: the same topic, a record with the header coupon.type: RejectionBatch. */
    public static final Topic<RejectionBatch> REJECTION_BATCHES = new Topic<>(REJECTED.name(), new RejectionBatchSerde());
    /**
     * Records that could not be read or processed (issuer) or stored (writer): the original bytes,
     * untouched, with error headers (see {@link FailedRecords}).
     */
    public static final Topic<byte[]> FAILED = new Topic<>("coupon.failed", Serdes.ByteArray());

    /** Every topic above, by name. */
    public static final List<String> NAMES = Stream.of(APPLY_REQUESTS, EVENTS, ISSUED, REJECTED, FAILED)
            .map(Topic::name).toList();

    /** The ledger: every application ends as one decision on one of these two topics. */
    public static final List<String> LEDGER = List.of(ISSUED.name(), REJECTED.name());

    /**
     * The issuer's state stores. Kafka Streams names their changelogs
     * {@code <application.id>-<store>-changelog}; TopologyDescriptionTest keeps this list equal to the
     * topology's stores.
     */
    public static final List<String> ISSUER_STORES = List.of("event-definitions", "issued-counts", "decisions",
            "spread-gates", "spread-claimants");

    /**
     * Inputs are small JSON documents: a bigger record is refused by the broker, not decided. Every
     * record's timestamp is the broker's append time, which is when an unsigned application was made.
     */
    static final Map<String, String> APPLY_REQUESTS_CONFIG = Map.of(
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(64 * 1024),
            TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
    /** A failed record carries the original value plus a stack trace in its headers. */
    static final int FAILED_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

    private Topics() {
    }

    /** Kafka's own topic of consumer group offsets (Kafka Streams commits the issuer's there, in its transactions). */
    public static final String CONSUMER_OFFSETS = "__consumer_offsets";

    /**
     * Everything the issuer reads: its input, its changelogs (restore) and its offsets. A hanging
     * transaction on any of them stops it deciding.
     */
    public static List<String> issuerReads(String applicationId) {
        List<String> reads = new java.util.ArrayList<>(List.of(APPLY_REQUESTS.name(), CONSUMER_OFFSETS));
        reads.addAll(issuerChangelogs(applicationId));
        return List.copyOf(reads);
    }

    /** The issuer's changelog topics (created by Kafka Streams, not by {@link TopicSetup}). */
    public static List<String> issuerChangelogs(String applicationId) {
        return ISSUER_STORES.stream().map(store -> applicationId + "-" + store + "-changelog").toList();
    }

    /** The decisions in a record read from {@link #LEDGER} as bytes: one, or a batch's rejections. */
    public static List<? extends Decision> readDecisions(ConsumerRecord<?, byte[]> record) {
        if (record.topic().equals(ISSUED.name())) {
            return List.of(ISSUED.read(record));
        }
        return RejectionBatchSerde.isBatch(record.headers())
                ? REJECTION_BATCHES.read(record).rejections()
                : List.of(REJECTED.read(record));
    }

    /** The topics to create, for a cluster with this many partitions per topic and this replication. */
    public static List<NewTopic> all(int partitions, short replication, int minInSyncReplicas) {
        Map<String, String> common = Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(minInSyncReplicas));
        return List.of(
                topic(APPLY_REQUESTS.name(), partitions, replication, common, APPLY_REQUESTS_CONFIG),
                topic(EVENTS.name(), partitions, replication, common,
                        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                topic(ISSUED.name(), partitions, replication, common, Map.of()),
                topic(REJECTED.name(), partitions, replication, common, Map.of()),
                topic(FAILED.name(), partitions, replication, common,
                        Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(FAILED_MAX_MESSAGE_BYTES))));
    }

    private static NewTopic topic(String name, int partitions, short replication, Map<String, String> common,
                                  Map<String, String> own) {
        var configs = new java.util.HashMap<>(common);
        configs.putAll(own);
        return new NewTopic(name, partitions, replication).configs(configs);
    }
}
