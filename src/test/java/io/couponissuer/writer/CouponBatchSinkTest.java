package io.couponissuer.writer;

import io.couponissuer.kafka.FailedRecords;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.CouponIssued;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.couponissuer.writer.IssuedCoupons.coupon;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The batch sink without Kafka or PostgreSQL: what it stores, what it dead-letters, which offsets it hands back. */
class CouponBatchSinkTest {

    private final List<List<CouponIssued>> stored = new ArrayList<>();
    private final List<ProducerRecord<byte[], byte[]>> published = new ArrayList<>();

    @Test
    void aMixedBatchStoresTheCouponsDeadLettersTheRestAndCommitsPastEveryRecord() throws SQLException {
        CouponIssued a = coupon("ev", 1, "u1");
        CouponIssued refused = coupon("ev", 2, "u2");
        CouponIssued c = coupon("ev", 3, "u3");
        ConsumerRecord<byte[], byte[]> garbage = record(Topics.ISSUED.name(), 0, 6,
                "{\"couponId\":".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> refusedRecord = issued(1, 10, refused);
        CouponBatchSink sink = new CouponBatchSink(coupons -> {
            stored.add(coupons);
            return new WriteResult(1, 1, List.of(new WriteResult.Refused(1, new CouponRefusedException("conflict"))));
        }, published::addAll);

        CouponBatchSink.Outcome outcome = sink.write(List.of(issued(0, 5, a), garbage, refusedRecord, issued(0, 7, c)));

        assertThat(stored).containsExactly(List.of(a, refused, c));
        assertThat(outcome.read()).isEqualTo(4);
        assertThat(outcome.skipped()).isZero();
        assertThat(outcome.inserted()).isOne();
        assertThat(outcome.alreadyPresent()).isOne();
        assertThat(outcome.unreadable()).singleElement().satisfies(failed -> {
            assertThat(failed.record()).isSameAs(garbage);
            assertThat(failed.reason()).isInstanceOf(SerializationException.class);
        });
        assertThat(outcome.refused()).singleElement().satisfies(failed -> {
            assertThat(failed.record()).isSameAs(refusedRecord);
            assertThat(failed.reason()).isInstanceOf(CouponRefusedException.class);
        });
        assertThat(outcome.offsets()).isEqualTo(Map.of(
                new TopicPartition(Topics.ISSUED.name(), 0), new OffsetAndMetadata(8),
                new TopicPartition(Topics.ISSUED.name(), 1), new OffsetAndMetadata(11)));
        assertThat(published).extracting(r -> header(r, FailedRecords.OFFSET)).containsExactly("6", "10");
        assertThat(published).allSatisfy(r -> {
            assertThat(r.topic()).isEqualTo(Topics.FAILED.name());
            assertThat(header(r, FailedRecords.STAGE)).isEqualTo(FailedRecords.STAGE_WRITER);
            assertThat(header(r, FailedRecords.TOPIC)).isEqualTo(Topics.ISSUED.name());
        });
        assertThat(published.get(1).value()).isEqualTo(refusedRecord.value());
    }

    @Test
    void aReplayedCouponThatFailsAgainKeepsItsOriginAndRecordsOfOtherStagesAreSkippedButCommitted()
            throws SQLException {
        CouponIssued coupon = coupon("ev", 4, "u4");
        ConsumerRecord<byte[], byte[]> ofIssuer = failed(FailedRecords.STAGE_ISSUER, 0, 3, "coupon.requests", 9, "x");
        ConsumerRecord<byte[], byte[]> ofWriter = failed(FailedRecords.STAGE_WRITER, 0, 4, Topics.ISSUED.name(), 42,
                new String(Topics.ISSUED.write(coupon), StandardCharsets.UTF_8));
        CouponBatchSink sink = new CouponBatchSink(coupons -> {
            stored.add(coupons);
            return new WriteResult(0, 0, List.of(new WriteResult.Refused(0, new CouponRefusedException("still"))));
        }, published::addAll);

        CouponBatchSink.Outcome outcome = sink.write(List.of(ofIssuer, ofWriter));

        assertThat(stored).containsExactly(List.of(coupon));
        assertThat(outcome.read()).isOne();
        assertThat(outcome.skipped()).isOne();
        assertThat(outcome.failed()).singleElement().satisfies(failed -> {
            assertThat(failed.origin().topic()).isEqualTo(Topics.ISSUED.name());
            assertThat(failed.origin().partition()).isEqualTo(2);
            assertThat(failed.origin().offset()).isEqualTo(42);
        });
        assertThat(outcome.offsets()).isEqualTo(Map.of(new TopicPartition(Topics.FAILED.name(), 0), new OffsetAndMetadata(5)));
        assertThat(published).singleElement().satisfies(r -> {
            assertThat(header(r, FailedRecords.TOPIC)).isEqualTo(Topics.ISSUED.name());
            assertThat(header(r, FailedRecords.OFFSET)).isEqualTo("42");
            assertThat(header(r, FailedRecords.MESSAGE)).isEqualTo("still");
            assertThat(r.headers().headers(FailedRecords.MESSAGE)).as("one reason, the new one").hasSize(1);
        });
    }

    @Test
    void aDatabaseFailureDeadLettersNothing() {
        CouponBatchSink sink = new CouponBatchSink(coupons -> {
            throw new SQLException("connection lost", "08006");
        }, published::addAll);

        assertThatThrownBy(() -> sink.write(List.of(issued(0, 1, coupon("ev", 1, "u1")),
                record(Topics.ISSUED.name(), 0, 2, new byte[0])))).isInstanceOf(SQLException.class);
        assertThat(published).isEmpty();
    }

    private static ConsumerRecord<byte[], byte[]> issued(int partition, long offset, CouponIssued coupon) {
        return record(Topics.ISSUED.name(), partition, offset, Topics.ISSUED.write(coupon));
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, int partition, long offset, byte[] value) {
        return new ConsumerRecord<>(topic, partition, offset, 1_700_000_000_000L, TimestampType.CREATE_TIME, 2,
                value.length, "ev".getBytes(StandardCharsets.UTF_8), value, new RecordHeaders(), Optional.empty());
    }

    /** A coupon.failed record as a stage put it there, first read at origin topic-partition@offset. */
    private static ConsumerRecord<byte[], byte[]> failed(String stage, int partition, long offset, String originTopic,
                                                         long originOffset, String value) {
        ProducerRecord<byte[], byte[]> parked = FailedRecords.build(stage,
                new FailedRecords.Source(originTopic, 2, originOffset, 0L, null), null,
                value.getBytes(StandardCharsets.UTF_8), new CouponRefusedException("first"));
        ConsumerRecord<byte[], byte[]> record = record(Topics.FAILED.name(), partition, offset, parked.value());
        for (Header header : parked.headers()) {
            record.headers().add(header);
        }
        return record;
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return FailedRecords.header(record.headers(), name);
    }
}
