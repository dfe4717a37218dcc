package io.couponissuer.writer;

import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.CouponIssued;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Test helpers: coupons as the issuer makes them, produced to coupon.issued in Kafka transactions. */
final class IssuedCoupons {

    private IssuedCoupons() {
    }

    static CouponIssued coupon(String event, long seq, String user) {
        return new CouponIssued(CouponIssued.couponIdOf(event, seq), event, user, "req-" + event + "-" + user, seq,
                Instant.parse("2026-11-25T10:00:00.123456Z").plusMillis(seq));
    }

    /** Coupons seq from..to of an event, user "u<seq>". */
    static List<CouponIssued> coupons(String event, int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> coupon(event, i, "u" + i)).toList();
    }

    /** Produces the records in one Kafka transaction, committed or aborted. */
    static void produce(Settings settings, List<CouponIssued> coupons, boolean commit) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        StringSerializer keys = new StringSerializer();
        for (CouponIssued coupon : coupons) {
            records.add(new ProducerRecord<>(Topics.ISSUED.name(), keys.serialize(Topics.ISSUED.name(), coupon.eventId()),
                    Topics.ISSUED.write(coupon)));
        }
        produceRaw(settings, records, commit);
    }

    static void produceRaw(Settings settings, List<ProducerRecord<byte[], byte[]>> records, boolean commit) {
        Map<String, Object> config = new java.util.HashMap<>(ClientConfigs.producer(settings, "it-issuer"));
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-" + UUID.randomUUID());
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            records.forEach(producer::send);
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.flush();
                producer.abortTransaction();
            }
        }
    }

    /** Waits for a condition, failing with the description when it does not come true in time. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited %s for %s", timeout, what).isNegative();
            Thread.sleep(50);
        }
    }
}
