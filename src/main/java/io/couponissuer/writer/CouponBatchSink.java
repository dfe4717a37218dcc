package io.couponissuer.writer;

import io.couponissuer.kafka.FailedRecords;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.CouponIssued;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One batch of polled records into PostgreSQL, for the writer's poll loop and for {@code replay}:
 * decodes each record, stores the decodable coupons in one database transaction, puts the
 * unreadable and the refused ones on {@code coupon.failed} (waiting for the broker's ack), and
 * says which offsets the caller may then commit: past every record of the batch.
 *
 * <p>The records are {@code coupon.issued} records or, for {@code replay}, {@code coupon.failed}
 * records; of those only the writer's own hold a coupon to store, and their headers say where the
 * coupon was first read. The others are skipped: they are not the writer's to handle.
 */
final class CouponBatchSink {
    private final CouponStore store;
    private final DeadLetters deadLetters;

    /** One database transaction over a list of coupons: {@link CouponRepository#write} or its dry run. */
    @FunctionalInterface
    interface CouponStore {
        WriteResult store(List<CouponIssued> coupons) throws SQLException;
    }

    /** Sends records to {@code coupon.failed} and returns once the broker has them all. */
    @FunctionalInterface
    interface DeadLetters {
        void publishAll(List<ProducerRecord<byte[], byte[]>> records);
    }

    /** A record that went to {@code coupon.failed}, with where its coupon was first read and why. */
    record FailedCoupon(ConsumerRecord<byte[], byte[]> record, FailedRecords.Source origin, Throwable reason) {
        ProducerRecord<byte[], byte[]> deadLetter() {
            return FailedRecords.build(FailedRecords.STAGE_WRITER, origin, record.key(), record.value(), reason);
        }
    }

    /**
     * What one batch came to.
     *
     * @param read       the records that hold a coupon of the writer (all but the skipped ones)
     * @param skipped    {@code coupon.failed} records of another stage
     * @param unreadable records that did not decode as a coupon
     * @param refused    coupons the database refuses for good
     * @param offsets    per partition, past the batch's last record: to commit once the batch is done
     */
    record Outcome(int read, int skipped, int inserted, int alreadyPresent, List<FailedCoupon> unreadable,
                   List<FailedCoupon> refused, Map<TopicPartition, OffsetAndMetadata> offsets) {
        Outcome {
            unreadable = List.copyOf(unreadable);
            refused = List.copyOf(refused);
            offsets = Map.copyOf(offsets);
        }

        /** Every record of the batch that went to {@code coupon.failed}: the unreadable, then the refused. */
        List<FailedCoupon> failed() {
            return Stream.concat(unreadable.stream(), refused.stream()).toList();
        }
    }

    CouponBatchSink(CouponStore store, DeadLetters deadLetters) {
        this.store = store;
        this.deadLetters = deadLetters;
    }

    /**
     * Stores and dead-letters one batch; returns only once both are done, so the caller can commit
     * the outcome's offsets.
     *
     * @throws SQLException a database failure that is not about the data: nothing was stored, retry the batch
     * @throws org.apache.kafka.common.KafkaException {@code coupon.failed} did not take a record: retry the batch
     */
    Outcome write(List<ConsumerRecord<byte[], byte[]>> batch) throws SQLException {
        List<CouponIssued> coupons = new ArrayList<>(batch.size());
        List<ConsumerRecord<byte[], byte[]>> couponRecords = new ArrayList<>(batch.size());
        List<FailedCoupon> unreadable = new ArrayList<>();
        int skipped = 0;
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            if (!holdsWriterCoupon(record)) {
                skipped++;
                continue;
            }
            try {
                coupons.add(Topics.ISSUED.read(record));
                couponRecords.add(record);
            } catch (RuntimeException e) {
                unreadable.add(new FailedCoupon(record, originOf(record), e));
            }
        }
        WriteResult result = store.store(coupons);
        List<FailedCoupon> refused = new ArrayList<>(result.refused().size());
        for (WriteResult.Refused refusal : result.refused()) {
            ConsumerRecord<byte[], byte[]> record = couponRecords.get(refusal.index());
            refused.add(new FailedCoupon(record, originOf(record), refusal.reason()));
        }
        Outcome outcome = new Outcome(batch.size() - skipped, skipped, result.inserted(), result.alreadyPresent(),
                unreadable, refused, offsetsPast(batch));
        deadLetters.publishAll(outcome.failed().stream().map(FailedCoupon::deadLetter).toList());
        return outcome;
    }

    /** True for a {@code coupon.issued} record, and for a {@code coupon.failed} record the writer put there. */
    static boolean holdsWriterCoupon(ConsumerRecord<byte[], byte[]> record) {
        return !Topics.FAILED.name().equals(record.topic())
                || FailedRecords.STAGE_WRITER.equals(FailedRecords.header(record.headers(), FailedRecords.STAGE));
    }

    /**
     * Where the coupon was first read: the record itself, or for a record re-read from
     * {@code coupon.failed}, the position its headers name, so a coupon that fails again keeps it.
     */
    private static FailedRecords.Source originOf(ConsumerRecord<byte[], byte[]> record) {
        FailedRecords.Source itself = new FailedRecords.Source(record.topic(), record.partition(), record.offset(),
                record.timestamp(), record.headers());
        if (!Topics.FAILED.name().equals(record.topic())) {
            return itself;
        }
        String topic = FailedRecords.header(record.headers(), FailedRecords.TOPIC);
        String partition = FailedRecords.header(record.headers(), FailedRecords.PARTITION);
        String offset = FailedRecords.header(record.headers(), FailedRecords.OFFSET);
        try {
            return new FailedRecords.Source(topic == null ? record.topic() : topic,
                    partition == null ? record.partition() : Integer.parseInt(partition),
                    offset == null ? record.offset() : Long.parseLong(offset), record.timestamp(), record.headers());
        } catch (NumberFormatException e) {
            return itself;
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsetsPast(List<ConsumerRecord<byte[], byte[]>> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
        }
        return offsets;
    }

}
