package io.couponissuer.writer;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.health.HealthCheck;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.CouponIssued;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The writer role: {@code coupon.issued} (read_committed) into the PostgreSQL table {@code coupon}.
 *
 * <p>One thread polls, collects up to {@code batchSize} records, has {@link CouponBatchSink} store
 * them in one database transaction and put the records the database refuses for good on
 * {@code coupon.failed} (waiting for the broker's ack), and only then commits the offsets past the
 * batch. A crash anywhere in between re-delivers the batch, which the idempotent insert absorbs.
 *
 * <p>While the database fails (or the failed topic cannot be written) the writer keeps its records,
 * pauses its partitions and keeps polling so it stays in the group, and retries the same batch
 * with exponential back-off: nothing is skipped. Records of partitions revoked meanwhile are
 * dropped; their new owner reads them again from the committed offset.
 *
 * <p>It owns what it is given: {@link #close()} closes the consumer, the producer and, when it is
 * closeable (a pool), the data source.
 */
public final class CouponWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CouponWriter.class);
    private static final String COMPONENT = "writer";
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    private static final Duration MAX_PAUSED_POLL = Duration.ofMillis(200);

    private final WriterConfig config;
    private final DataSource dataSource;
    private final CouponRepository repository;
    private final RetryingSchemaMigration migration;
    private final Consumer<byte[], byte[]> consumer;
    private final FailedRecordPublisher failedRecords;
    private final CouponBatchSink sink;
    private final WriterMetrics metrics;
    private final KafkaClientMetrics consumerMetrics;
    private final Backoff backoff;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread thread;

    // Touched by the poll thread only (the rebalance listener runs inside poll()).
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>();
    private long retryAtNanos;

    private volatile HealthCheck.Result status = HealthCheck.Result.notReady(COMPONENT, "not started");
    private volatile boolean databaseConnected;
    private volatile boolean closing;

    public CouponWriter(Settings settings, DataSource dataSource, MeterRegistry registry) {
        this(WriterConfig.from(settings), dataSource, registry, newConsumer(settings),
                FailedRecordPublisher.create(settings, settings.get(Setting.COUPON_WRITER_GROUP_ID) + "-failed"));
    }

    CouponWriter(WriterConfig config, DataSource dataSource, MeterRegistry registry,
                 Consumer<byte[], byte[]> consumer, FailedRecordPublisher failedRecords) {
        this.config = config;
        this.dataSource = dataSource;
        this.repository = new CouponRepository(dataSource);
        this.consumer = consumer;
        this.failedRecords = failedRecords;
        this.metrics = new WriterMetrics(registry);
        this.sink = new CouponBatchSink(this::store, failedRecords::publishAll);
        // Not joined to the group while it retries: a healthy writer can take the partitions.
        this.migration = new RetryingSchemaMigration(new SchemaMigrator(dataSource), config, metrics.retries);
        this.backoff = new Backoff(config.retryInitial(), config.retryMax());
        // nanoTime has an arbitrary origin (possibly negative): "no retry pending" is "due now".
        this.retryAtNanos = System.nanoTime();
        this.consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        Gauge.builder("coupon.writer.db.connected", this, w -> w.databaseConnected ? 1 : 0)
                .description("1 when the writer's last database interaction succeeded").register(registry);
        this.thread = new Thread(this::run, "coupon-writer");
    }

    static Consumer<byte[], byte[]> newConsumer(Settings settings) {
        String group = settings.get(Setting.COUPON_WRITER_GROUP_ID);
        Map<String, Object> config = ClientConfigs.readCommittedConsumer(settings, group, group);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.getInt(Setting.COUPON_WRITER_BATCH_SIZE));
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, settings.getInt(Setting.COUPON_SESSION_TIMEOUT_MS));
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Starts the poll loop on its own thread; returns at once (the database may still be down). */
    public void start() {
        status = HealthCheck.Result.notReady(COMPONENT, "starting: migrating the schema at " + config.jdbcUrl());
        thread.start();
    }

    /** Readiness: ready while the loop runs and its last database interaction succeeded. */
    public HealthCheck health() {
        return () -> status;
    }

    private void run() {
        try {
            if (migration.migrate(stopping, this::migrationFailed).isEmpty()) {
                return;
            }
            databaseConnected = true;
            status = HealthCheck.Result.ready(COMPONENT);
            consumer.subscribe(List.of(Topics.ISSUED.name()), new DropRevoked());
            LOG.info("Writer consuming {} as group {} into {}", Topics.ISSUED.name(), config.groupId(), config.jdbcUrl());
            while (!closing) {
                try {
                    poll();
                    if (!pending.isEmpty() && System.nanoTime() - retryAtNanos >= 0) {
                        writeNextBatch();
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException unexpected) {
                    recover(unexpected);
                }
            }
        } catch (WakeupException e) {
            if (!closing) {
                fail(e);
            }
        } catch (RuntimeException | Error e) {
            fail(e);
        } finally {
            status = HealthCheck.Result.notReady(COMPONENT, closing ? "stopped" : status.reason());
            // Records still pending were never committed to the database: their offsets are not
            // committed either, so the next owner reads them again.
            pending.clear();
            try {
                consumer.close(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                LOG.warn("Writer consumer did not close cleanly", e);
            }
        }
    }

    /**
     * An error nobody planned for (a bug, a driver surprise) must not end the writer for good:
     * forget what is pending, go back to the committed offsets (nothing past them was committed to
     * the database by this loop without its offsets), back off, and go on. The group membership is
     * kept, and health says why the writer is not ready meanwhile.
     */
    private void recover(RuntimeException error) {
        Duration delay = backoff.next();
        metrics.retries.increment();
        status = HealthCheck.Result.notReady(COMPONENT, "recovering from " + DatabaseErrors.describe(error));
        LOG.error("Writer hit an unexpected error; re-reading from the committed offsets in {} ms", delay.toMillis(), error);
        try {
            Set<TopicPartition> assigned = consumer.assignment();
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned, Duration.ofSeconds(10));
            for (TopicPartition partition : assigned) {
                OffsetAndMetadata offset = committed.get(partition);
                if (offset != null) {
                    consumer.seek(partition, offset);
                } else {
                    consumer.seekToBeginning(List.of(partition));
                }
            }
            pending.clear(); // only once the positions are back at the committed offsets: nothing is skipped
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException seekFailed) {
            // Positions and pending records still match: keep them and retry the same batch later.
            LOG.warn("Could not rewind to the committed offsets ({}); retrying the pending batch as it is",
                    seekFailed.toString());
        }
        retryAtNanos = System.nanoTime() + delay.toNanos();
        try {
            stopping.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            closing = true;
        }
    }

    private void fail(Throwable error) {
        LOG.error("Writer poll loop stopped on an unexpected error; its partitions go to other writers", error);
        status = HealthCheck.Result.notReady(COMPONENT, "stopped on " + DatabaseErrors.describe(error));
    }

    private void migrationFailed(String reason) {
        databaseConnected = false;
        status = HealthCheck.Result.notReady(COMPONENT, reason);
    }

    private void poll() {
        long waitNanos = retryAtNanos - System.nanoTime();
        boolean backingOff = !pending.isEmpty() && waitNanos > 0;
        // Paused partitions return nothing, but poll() still keeps us in the group and runs rebalances.
        if (backingOff || pending.size() >= config.batchSize()) {
            consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
        Duration timeout = backingOff ? min(Duration.ofNanos(waitNanos), MAX_PAUSED_POLL)
                : pending.isEmpty() ? IDLE_POLL : Duration.ZERO;
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            pending.add(record);
        }
    }

    private void writeNextBatch() {
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(Math.min(pending.size(), config.batchSize()));
        var iterator = pending.iterator();
        while (iterator.hasNext() && batch.size() < config.batchSize()) {
            batch.add(iterator.next());
        }
        try {
            CouponBatchSink.Outcome outcome = sink.write(batch);
            for (CouponBatchSink.FailedCoupon failed : outcome.failed()) {
                ConsumerRecord<byte[], byte[]> record = failed.record();
                LOG.warn("Coupon record {}-{}@{} went to {}: {}", record.topic(), record.partition(), record.offset(),
                        Topics.FAILED.name(), DatabaseErrors.describe(failed.reason()));
            }
            commitOffsets(outcome.offsets());
            for (int i = 0; i < batch.size(); i++) {
                pending.removeFirst();
            }
            metrics.batchSize.record(batch.size());
            metrics.rowsInserted.increment(outcome.inserted());
            metrics.rowsAlreadyPresent.increment(outcome.alreadyPresent());
            metrics.failedRefused.increment(outcome.refused().size());
            metrics.failedUnreadable.increment(outcome.unreadable().size());
            if (backoff.failures() > 0) {
                LOG.info("Writer recovered after {} failed attempts", backoff.failures());
            }
            backoff.reset();
            status = HealthCheck.Result.ready(COMPONENT);
        } catch (SQLException e) {
            databaseConnected = false;
            retryLater("PostgreSQL at " + config.jdbcUrl() + " failed: " + DatabaseErrors.describe(e), batch.size());
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            retryLater("could not publish to " + Topics.FAILED.name() + ": " + DatabaseErrors.describe(e), batch.size());
        }
    }

    /** The batch's database transaction, timed; a success means the database is back. */
    private WriteResult store(List<CouponIssued> coupons) throws SQLException {
        Timer.Sample sample = Timer.start();
        WriteResult result = repository.write(coupons);
        sample.stop(metrics.dbCommit);
        databaseConnected = true;
        return result;
    }

    private void retryLater(String reason, int batchSize) {
        Duration delay = backoff.next();
        retryAtNanos = System.nanoTime() + delay.toNanos();
        metrics.retries.increment();
        status = HealthCheck.Result.notReady(COMPONENT, reason);
        LOG.warn("{}; {} records kept, partitions paused, retry {} in {} ms", reason, batchSize,
                backoff.failures(), delay.toMillis());
    }

    private void commitOffsets(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            // The rows are in the database: if the partitions moved, their new owner re-reads them
            // from the older committed offset and the idempotent insert absorbs the repeat.
            LOG.warn("Offset commit after the database commit failed ({}); the batch may be re-delivered",
                    e.getMessage());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Drops the pending records of partitions this writer no longer owns. */
    private final class DropRevoked implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            drop(partitions, "revoked");
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            drop(partitions, "lost");
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                LOG.info("Writer assigned {}", partitions);
            }
        }

        private void drop(Collection<TopicPartition> partitions, String how) {
            int before = pending.size();
            pending.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
            if (!partitions.isEmpty()) {
                LOG.info("Writer partitions {} {}; dropped {} uncommitted records (their next owner re-reads them)",
                        partitions, how, before - pending.size());
            }
        }
    }

    /**
     * Stops the loop: wakes the consumer, lets an in-flight database transaction end (its offsets
     * are not committed unless the commit already happened), then closes consumer, producer and pool.
     */
    @Override
    public void close() {
        closing = true;
        stopping.countDown();
        consumer.wakeup();
        if (thread.isAlive()) {
            try {
                thread.join(Duration.ofSeconds(60).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ofSeconds(5));
        }
        consumerMetrics.close();
        failedRecords.close();
        if (dataSource instanceof AutoCloseable pool) {
            try {
                pool.close();
            } catch (Exception e) {
                LOG.warn("Writer connection pool did not close cleanly", e);
            }
        }
        status = HealthCheck.Result.notReady(COMPONENT, "stopped");
        LOG.info("Writer stopped");
    }
}
