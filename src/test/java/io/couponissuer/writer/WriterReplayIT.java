package io.couponissuer.writer;

import io.couponissuer.db.CouponDataSource;
import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.FailedRecords;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.testing.KafkaBrokerExtension;
import io.couponissuer.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.couponissuer.writer.IssuedCoupons.await;
import static io.couponissuer.writer.IssuedCoupons.coupon;
import static io.couponissuer.writer.IssuedCoupons.produce;
import static org.assertj.core.api.Assertions.assertThat;

/** A coupon the database refuses goes to coupon.failed, the rest lands; once the cause is gone, replay brings it in. */
class WriterReplayIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(3);

    @RegisterExtension
    static final TestDatabase database = TestDatabase.perClass();


    /** Runs {@code replay} as the CLI would, returning exit code and output. */
    private static Run replay(Settings settings, String... args) {
        StringWriter out = new StringWriter();
        CommandLine command = new CommandLine(new ReplayCommand(settings));
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(out));
        int exit = command.execute(args);
        return new Run(exit, out.toString());
    }

    record Run(int exit, String output) {
    }

    @Test
    void aRefusedCouponIsParkedWithItsReasonAndReplayBringsItInOnceTheConflictIsGone() throws Exception {
        Settings settings = KAFKA.settings()
                .with(Setting.COUPON_JDBC_URL, database.jdbcUrl())
                .with(Setting.COUPON_WRITER_BATCH_SIZE, 100);
        // A row that should not be there: alice already holds another coupon of event "rp".
        try (var dataSource = CouponDataSource.create(settings, "it-setup")) {
            new SchemaMigrator(dataSource).migrate();
            new CouponRepository(dataSource).write(List.of(new CouponIssued("rp-99", "rp", "alice", "stray", 99,
                    java.time.Instant.parse("2026-11-25T09:00:00Z"))));
        }
        List<CouponIssued> coupons = new ArrayList<>();
        for (int seq = 1; seq <= 20; seq++) {
            coupons.add(coupon("rp", seq, seq == 7 ? "alice" : "u" + seq));
        }
        produce(settings, coupons, true);

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (CouponWriter writer = new CouponWriter(settings, CouponDataSource.create(settings, "it-writer"), registry)) {
            writer.start();
            await("the 19 others", Duration.ofSeconds(60),
                    () -> database.rows("SELECT count(*) FROM coupon WHERE request_id <> 'stray'") == 19);
            await("the refusal counted", Duration.ofSeconds(30),
                    () -> registry.get("coupon.writer.failed.records").tag("reason", "refused").counter().count() == 1);
        }
        assertThat(database.rows("SELECT count(*) FROM coupon WHERE coupon_id = 'rp-7'")).isZero();
        List<ConsumerRecord<byte[], byte[]>> failed = writerFailures();
        assertThat(failed).singleElement().satisfies(record -> {
            assertThat(new String(record.value())).contains("\"couponId\":\"rp-7\"");
            assertThat(FailedRecords.header(record.headers(), FailedRecords.EXCEPTION))
                    .isEqualTo(CouponRefusedException.class.getName());
            assertThat(FailedRecords.header(record.headers(), FailedRecords.MESSAGE))
                    .contains("stored coupon rp-99").contains("(event_id, user_id)");
            assertThat(FailedRecords.header(record.headers(), FailedRecords.TOPIC)).isEqualTo(Topics.ISSUED.name());
        });

        // While the cause is still there: a dry run says so and changes nothing; a real run
        // reports it, re-publishes it and moves on.
        Run dry = replay(settings, "--dry-run");
        assertThat(dry.exit()).as(dry.output()).isEqualTo(1);
        assertThat(dry.output()).contains("still failing: coupon.failed-").contains("rp-7").contains("1 still failing");
        Run stillBlocked = replay(settings);
        assertThat(stillBlocked.exit()).as(stillBlocked.output()).isEqualTo(1);
        assertThat(stillBlocked.output()).contains("re-published");
        assertThat(writerFailures()).hasSize(2);

        // The operator removes the cause; replay brings the coupon in and has nothing left to do after.
        database.execute("DELETE FROM coupon WHERE coupon_id = 'rp-99'");
        Run fixed = replay(settings);
        assertThat(fixed.exit()).as(fixed.output()).isZero();
        assertThat(fixed.output()).contains("1 writer records read").contains("1 inserted").contains("0 still failing");
        assertThat(database.rows("SELECT count(*) FROM coupon WHERE event_id = 'rp'")).isEqualTo(20);
        assertThat(database.rows("SELECT count(*) FROM coupon WHERE coupon_id = 'rp-7' AND user_id = 'alice'")).isOne();

        Run again = replay(settings);
        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(again.output()).contains("0 writer records read");
    }

    private static List<ConsumerRecord<byte[], byte[]>> writerFailures() {
        return KAFKA.readToEnd(Topics.FAILED.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                        Duration.ofSeconds(30)).stream()
                .filter(r -> FailedRecords.STAGE_WRITER.equals(FailedRecords.header(r.headers(), FailedRecords.STAGE)))
                .toList();
    }
}
