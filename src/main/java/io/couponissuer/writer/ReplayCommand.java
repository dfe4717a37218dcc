package io.couponissuer.writer;

import io.couponissuer.db.CouponDataSource;
import com.zaxxer.hikari.HikariDataSource;
import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.ReadToEnd;
import io.couponissuer.kafka.FailedRecords;
import io.couponissuer.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Re-drives the writer's failed records ({@code coupon.failed} with {@code coupon.stage=writer})
 * into PostgreSQL with the writer's idempotent insert.
 *
 * <p>It reads, as its own consumer group ({@code read_committed}), from the group's committed
 * offset up to the end of the topic as it was when the command started. A record that now goes in
 * (or is already there) is done. A record that still fails is reported and <b>re-published</b> to
 * {@code coupon.failed} with the new reason (stage writer, the original coupon.issued position kept
 * in its headers), then the offset moves past it: every unresolved coupon stays on the topic, where
 * the next {@code replay} finds it again, and one bad record never blocks the ones behind it.
 * Offsets are committed per batch only after the database commit and the broker's ack of the
 * re-published records. Exit code: 0 when nothing failed, 1 when some records still fail, 2 when
 * the database or the broker could not be used (progress up to the last finished batch is kept).
 *
 * <p>{@code --dry-run} runs every insert in a transaction that is rolled back, re-publishes
 * nothing and commits no offset: it shows what a real run would do.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Re-drive failed writer records from coupon.failed into PostgreSQL.")
public final class ReplayCommand implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(500);

    @Option(names = "--dry-run", description = "Try every insert and roll it back; commit and re-publish nothing.")
    boolean dryRun;

    @Option(names = "--max-records", paramLabel = "N",
            description = "Handle at most N writer records in this run (default: all up to the current end).")
    long maxRecords = Long.MAX_VALUE;

    @Option(names = "--group", description = "Consumer group that keeps replay's progress (default: ${DEFAULT-VALUE}).")
    String groupId = "coupon-replay";

    @Option(names = "--batch-size", paramLabel = "N", description = "Records per database transaction "
            + "(default: COUPON_WRITER_BATCH_SIZE).")
    Integer batchSize;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Give up reading after this long, e.g. PT2M (default: ${DEFAULT-VALUE}).")
    Duration timeout = Duration.ofMinutes(5);

    @Spec
    CommandSpec spec;

    private final Settings settings;

    public ReplayCommand() {
        this(Settings.fromEnvironment());
    }

    public ReplayCommand(Settings settings) {
        this.settings = settings;
    }

    /** What a run did; printed as the summary. */
    public record Totals(long read, long skippedOtherStage, long inserted, long alreadyPresent, long stillFailing) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int size = batchSize != null ? batchSize : settings.getInt(Setting.COUPON_WRITER_BATCH_SIZE);
        String jdbcUrl = settings.get(Setting.COUPON_JDBC_URL);
        Tally counts = new Tally();
        try (HikariDataSource dataSource = CouponDataSource.create(settings, "coupon-replay");
             KafkaConsumer<byte[], byte[]> consumer = newConsumer();
             FailedRecordPublisher publisher = FailedRecordPublisher.create(settings, groupId + "-republish")) {
            try {
                new SchemaMigrator(dataSource).migrate();
            } catch (RuntimeException e) {
                err.printf("replay: PostgreSQL at %s is unusable: %s%n", jdbcUrl, e.getMessage());
                return 2;
            }
            CouponRepository repository = new CouponRepository(dataSource);
            // A dry run rolls every transaction back and re-publishes nothing.
            CouponBatchSink sink = dryRun ? new CouponBatchSink(repository::preview, failed -> { })
                    : new CouponBatchSink(repository::write, publisher::publishAll);
            run(consumer, sink, size, counts, out);
        } catch (SQLException e) {
            err.printf("replay: PostgreSQL at %s failed: %s; progress is committed up to the last finished batch%n",
                    jdbcUrl, DatabaseErrors.describe(e));
            print(out, counts);
            return 2;
        } catch (RuntimeException e) {
            err.printf("replay: stopped: %s; progress is committed up to the last finished batch%n",
                    DatabaseErrors.describe(e));
            print(out, counts);
            return 2;
        }
        print(out, counts);
        return counts.stillFailing == 0 ? 0 : 1;
    }

    private void run(KafkaConsumer<byte[], byte[]> consumer, CouponBatchSink sink, int size, Tally counts,
                     PrintWriter out) throws SQLException {
        List<TopicPartition> partitions = ReadToEnd.partitionsOf(consumer, Topics.FAILED.name(), Duration.ofSeconds(30));
        consumer.assign(partitions);
        // The end as of now: records re-published by this run lie beyond it and wait for the next run.
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (counts.read < maxRecords && !ReadToEnd.reached(consumer, end)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out after " + timeout + " before reaching the end of "
                        + Topics.FAILED.name());
            }
            List<ConsumerRecord<byte[], byte[]>> taken = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (!ReadToEnd.before(record, end)) {
                    continue;
                }
                if (CouponBatchSink.holdsWriterCoupon(record) && counts.read + countWriter(taken) >= maxRecords) {
                    break;
                }
                taken.add(record);
            }
            for (int from = 0; from < taken.size(); from += size) {
                replayBatch(taken.subList(from, Math.min(taken.size(), from + size)), consumer, sink, counts, out);
            }
            if (counts.read >= maxRecords) {
                break;
            }
        }
    }

    private void replayBatch(List<ConsumerRecord<byte[], byte[]>> batch, KafkaConsumer<byte[], byte[]> consumer,
                             CouponBatchSink sink, Tally counts, PrintWriter out) throws SQLException {
        CouponBatchSink.Outcome outcome = sink.write(batch);
        counts.add(outcome);
        for (CouponBatchSink.FailedCoupon failed : outcome.failed()) {
            ConsumerRecord<byte[], byte[]> record = failed.record();
            FailedRecords.Source origin = failed.origin();
            out.printf("still failing: %s-%d@%d (from %s-%d@%d): %s%n", record.topic(), record.partition(),
                    record.offset(), origin.topic(), origin.partition(), origin.offset(),
                    DatabaseErrors.describe(failed.reason()));
        }
        if (!dryRun) {
            consumer.commitSync(outcome.offsets());
        }
    }

    private static long countWriter(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().filter(CouponBatchSink::holdsWriterCoupon).count();
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        return new KafkaConsumer<>(ClientConfigs.readCommittedConsumer(settings, groupId, groupId),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void print(PrintWriter out, Tally counts) {
        Totals totals = counts.totals();
        out.printf("replay%s: %d writer records read (%d of other stages skipped): %d inserted, %d already present, "
                        + "%d still failing%s%n", dryRun ? " (dry run, nothing committed)" : "", totals.read(),
                totals.skippedOtherStage(), totals.inserted(), totals.alreadyPresent(), totals.stillFailing(),
                totals.stillFailing() > 0 && !dryRun ? " (re-published to " + Topics.FAILED.name() + ")" : "");
        out.flush();
    }

    private static final class Tally {
        long read;
        long skippedOtherStage;
        long inserted;
        long alreadyPresent;
        long stillFailing;

        void add(CouponBatchSink.Outcome outcome) {
            read += outcome.read();
            skippedOtherStage += outcome.skipped();
            inserted += outcome.inserted();
            alreadyPresent += outcome.alreadyPresent();
            stillFailing += outcome.failed().size();
        }

        Totals totals() {
            return new Totals(read, skippedOtherStage, inserted, alreadyPresent, stillFailing);
        }
    }
}
