package io.couponissuer.gateway;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-client buckets: a burst, then the rate, and never more clients held than the bound. */
class TokenBucketsTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Test
    void aClientGetsItsBurstThenItsRateAndTheOthersTheirOwn() {
        TokenBuckets buckets = new TokenBuckets(2, 3, 100, nanos::get);
        for (int i = 0; i < 3; i++) {
            assertThat(buckets.take("a").admitted()).as("burst request %d", i).isTrue();
        }
        TokenBuckets.Admission refused = buckets.take("a");
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        assertThat(buckets.take("b").admitted()).as("another client is not held back").isTrue();

        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(500)); // 2 per second: one token back
        assertThat(buckets.take("a").admitted()).isTrue();
        assertThat(buckets.take("a").admitted()).isFalse();
    }

    @Test
    void aSlowRateTellsHowLongToWait() {
        TokenBuckets buckets = new TokenBuckets(0.2, 1, 100, nanos::get); // one per 5 s
        assertThat(buckets.take("a").admitted()).isTrue();
        assertThat(buckets.take("a").retryAfterSeconds()).isEqualTo(5);
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
        assertThat(buckets.take("a").retryAfterSeconds()).isEqualTo(3);
    }

    @Test
    void manyDistinctClientsNeverHoldMoreBucketsThanTheBound() {
        TokenBuckets buckets = new TokenBuckets(20, 40, 1_000, nanos::get);
        for (int i = 0; i < 50_000; i++) {
            buckets.take("ip:10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255));
            if (i % 5_000 == 0) {
                assertThat(buckets.tracked()).isLessThanOrEqualTo(1_000);
            }
        }
        assertThat(buckets.tracked()).isLessThanOrEqualTo(1_000).isGreaterThan(0);
    }

    @Test
    void anIdleClientsBucketIsDroppedOnceItWouldBeFullAgain() {
        TokenBuckets buckets = new TokenBuckets(20, 40, 1_000, nanos::get);
        buckets.take("a");
        assertThat(buckets.tracked()).isEqualTo(1);
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(3)); // 40 at 20/s: full after 2 s
        assertThat(buckets.tracked()).isZero();
    }
}
