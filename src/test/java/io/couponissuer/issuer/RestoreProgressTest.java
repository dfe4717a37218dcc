package io.couponissuer.issuer;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** What the issuer's restore gauges and readiness say while stores restore from their changelogs. */
class RestoreProgressTest {
    private final RestoreProgress progress = new RestoreProgress(Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC));
    private final TopicPartition decisions = new TopicPartition("coupon-issuer-decisions-changelog", 0);
    private final TopicPartition counts = new TopicPartition("coupon-issuer-issued-counts-changelog", 1);

    @Test
    void countsThePartitionsRestoringAndTheRecordsLeftUntilEachEnds() {
        assertThat(progress.partitions()).isZero();
        assertThat(progress.remainingRecords()).isZero();
        assertThat(progress.describe()).isEmpty();

        progress.onRestoreStart(decisions, "decisions", 100, 1_100);
        progress.onRestoreStart(counts, "issued-counts", 0, 50);
        assertThat(progress.partitions()).isEqualTo(2);
        assertThat(progress.remainingRecords()).isEqualTo(1_000 + 50);

        progress.onBatchRestored(decisions, "decisions", 599, 500);
        assertThat(progress.remainingRecords()).isEqualTo(500 + 50);
        assertThat(progress.describe()).contains("restoring decisions from coupon-issuer-decisions-changelog-0: 500 records, at offset 600 of 1100");

        progress.onRestoreEnd(counts, "issued-counts", 50);
        progress.onRestoreSuspended(decisions, "decisions", 500);
        assertThat(progress.partitions()).isZero();
        assertThat(progress.remainingRecords()).isZero();
    }
}
