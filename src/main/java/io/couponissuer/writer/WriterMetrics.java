package io.couponissuer.writer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The writer's meters, all under {@code coupon.writer.*}. */
final class WriterMetrics {
    final Counter rowsInserted;
    final Counter rowsAlreadyPresent;
    final DistributionSummary batchSize;
    final Timer dbCommit;
    final Counter retries;
    final Counter failedUnreadable;
    final Counter failedRefused;

    WriterMetrics(MeterRegistry registry) {
        rowsInserted = Counter.builder("coupon.writer.rows").tag("result", "inserted")
                .description("coupons the writer stored as new rows").register(registry);
        rowsAlreadyPresent = Counter.builder("coupon.writer.rows").tag("result", "already_present")
                .description("re-delivered coupons that were already stored, identical").register(registry);
        batchSize = DistributionSummary.builder("coupon.writer.batch.size")
                .description("coupon records per database transaction").publishPercentileHistogram()
                .register(registry);
        dbCommit = Timer.builder("coupon.writer.db.commit")
                .description("one batch: insert, conflict check and commit in PostgreSQL (successful ones)")
                .publishPercentileHistogram().register(registry);
        retries = Counter.builder("coupon.writer.retries")
                .description("database or broker failures the writer backed off from and retried").register(registry);
        failedUnreadable = Counter.builder("coupon.writer.failed.records").tag("reason", "unreadable")
                .description("records sent to coupon.failed").register(registry);
        failedRefused = Counter.builder("coupon.writer.failed.records").tag("reason", "refused")
                .description("records sent to coupon.failed").register(registry);
    }
}
