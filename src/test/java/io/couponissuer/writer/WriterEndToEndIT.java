package io.couponissuer.writer;

import io.couponissuer.db.CouponDataSource;
import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.FailedRecords;
import io.couponissuer.kafka.Topics;
import io.couponissuer.testing.KafkaBrokerExtension;
import io.couponissuer.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.couponissuer.writer.IssuedCoupons.await;
import static io.couponissuer.writer.IssuedCoupons.coupons;
import static io.couponissuer.writer.IssuedCoupons.produce;
import static org.assertj.core.api.Assertions.assertThat;

/** coupon.issued on a real broker into a real PostgreSQL: exactly once, re-delivery, unreadable records. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WriterEndToEndIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(3);

    /** The table exists before the first count; the writer's own migration then finds it current. */
    @RegisterExtension
    static final TestDatabase database = TestDatabase.perClass().withSchema();

    private static Settings settings(String group) {
        return KAFKA.settings()
                .with(Setting.COUPON_JDBC_URL, database.jdbcUrl())
                .with(Setting.COUPON_WRITER_GROUP_ID, group)
                .with(Setting.COUPON_WRITER_BATCH_SIZE, 50);
    }

    private static CouponWriter writer(Settings settings, SimpleMeterRegistry registry) {
        return new CouponWriter(settings, CouponDataSource.create(settings, "it-writer"), registry);
    }


    private static double rows(SimpleMeterRegistry registry, String result) {
        return registry.get("coupon.writer.rows").tag("result", result).counter().count();
    }

    @Test
    @Order(1)
    void committedCouponsLandExactlyOnceAndReDeliveryAddsNoRow() throws Exception {
        Settings settings = settings("writer-e2e");
        // Three events spread over the partitions, in several transactions, and one aborted
        // transaction whose coupons a read_committed writer must never store.
        produce(settings, coupons("ev-a", 1, 120), true);
        produce(settings, coupons("ev-b", 1, 100), true);
        produce(settings, coupons("ev-x", 1, 7), false);
        produce(settings, coupons("ev-c", 1, 80), true);

        SimpleMeterRegistry first = new SimpleMeterRegistry();
        try (CouponWriter writer = writer(settings, first)) {
            writer.start();
            await("300 rows", Duration.ofSeconds(60), () -> database.rows("SELECT count(*) FROM coupon") == 300);
            await("offsets committed", Duration.ofSeconds(30), () -> committed("writer-e2e").equals(endOfIssued()));
            assertThat(writer.health().check().ready()).isTrue();
        }
        assertThat(database.rows("SELECT count(*) FROM coupon WHERE event_id = 'ev-x'")).isZero();
        assertThat(rows(first, "inserted")).isEqualTo(300);
        assertThat(first.get("coupon.writer.batch.size").summary().max()).isLessThanOrEqualTo(50);
        assertThat(first.get("coupon.writer.db.commit").timer().count()).isGreaterThanOrEqualTo(6);

        // Re-delivery: the group's offsets go back to the start and a second writer reads it all again.
        try (Admin admin = KAFKA.admin()) {
            Map<TopicPartition, OffsetAndMetadata> start = new java.util.HashMap<>();
            for (int p = 0; p < 3; p++) {
                start.put(new TopicPartition(Topics.ISSUED.name(), p), new OffsetAndMetadata(0));
            }
            admin.alterConsumerGroupOffsets("writer-e2e", start).all().get();
        }
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        try (CouponWriter writer = writer(settings, second)) {
            writer.start();
            await("300 re-delivered", Duration.ofSeconds(60), () -> rows(second, "already_present") == 300);
        }
        assertThat(rows(second, "inserted")).isZero();
        assertThat(database.rows("SELECT count(*) FROM coupon")).isEqualTo(300);
        assertThat(database.rows("SELECT count(DISTINCT (event_id, user_id)) FROM coupon")).isEqualTo(300);
        assertThat(failedOfStageWriter()).isEmpty();
    }

    @Test
    @Order(2)
    void anUnreadableRecordGoesToTheFailedTopicAndTheOthersLand() throws Exception {
        Settings settings = settings("writer-garbage");
        byte[] garbage = "{\"couponId\":\"nope\"".getBytes(StandardCharsets.UTF_8);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(new ProducerRecord<>(Topics.ISSUED.name(), "ev-g".getBytes(StandardCharsets.UTF_8), garbage));
        IssuedCoupons.produceRaw(settings, records, true);
        produce(settings, coupons("ev-g", 1, 10), true);

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (CouponWriter writer = writer(settings, registry)) {
            writer.start();
            await("10 rows of ev-g", Duration.ofSeconds(60),
                    () -> database.rows("SELECT count(*) FROM coupon WHERE event_id = 'ev-g'") == 10);
            await("offsets committed", Duration.ofSeconds(30), () -> committed("writer-garbage").equals(endOfIssued()));
        }
        List<ConsumerRecord<byte[], byte[]>> failed = failedOfStageWriter();
        assertThat(failed).singleElement().satisfies(record -> {
            assertThat(record.value()).isEqualTo(garbage);
            assertThat(FailedRecords.header(record.headers(), FailedRecords.TOPIC)).isEqualTo(Topics.ISSUED.name());
            assertThat(FailedRecords.header(record.headers(), FailedRecords.EXCEPTION)).contains("SerializationException");
            assertThat(FailedRecords.header(record.headers(), FailedRecords.MESSAGE)).contains("CouponIssued");
        });
        assertThat(registry.get("coupon.writer.failed.records").tag("reason", "unreadable").counter().count())
                .isEqualTo(1);
    }

    /** The group's committed offsets on coupon.issued. */
    private static Map<TopicPartition, Long> committed(String group) {
        try (Admin admin = KAFKA.admin()) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where a writer that is done with every committed record has its offsets: past the last one of each partition. */
    private static Map<TopicPartition, Long> endOfIssued() {
        return KAFKA.readToEnd(Topics.ISSUED.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                        Duration.ofSeconds(30)).stream()
                .collect(Collectors.toMap(r -> new TopicPartition(r.topic(), r.partition()), r -> r.offset() + 1,
                        Math::max));
    }

    private static List<ConsumerRecord<byte[], byte[]>> failedOfStageWriter() {
        return KAFKA.readToEnd(Topics.FAILED.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                        Duration.ofSeconds(30)).stream()
                .filter(r -> FailedRecords.STAGE_WRITER.equals(FailedRecords.header(r.headers(), FailedRecords.STAGE)))
                .collect(Collectors.toList());
    }
}
