package io.couponissuer.writer;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with jitter: initial, doubling per consecutive failure, capped at max. The
 * jitter (up to -20%) keeps several writers that lost the same database from retrying in step.
 * Not thread-safe: one per poll loop.
 */
public final class Backoff {
    private static final double JITTER = 0.2;

    private final long initialMs;
    private final long maxMs;
    private int failures;

    public Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < initial <= max, was " + initial + ", " + max);
        }
        this.initialMs = initial.toMillis();
        this.maxMs = max.toMillis();
    }

    /** Records one more failure and returns how long to wait before the next attempt. */
    public Duration next() {
        int exponent = Math.min(failures++, 30);
        long delay = Math.min(maxMs, initialMs << exponent);
        long jitter = (long) (delay * JITTER * ThreadLocalRandom.current().nextDouble());
        return Duration.ofMillis(Math.max(1, delay - jitter));
    }

    /** After a success: the next failure starts again from the initial delay. */
    public void reset() {
        failures = 0;
    }

    public int failures() {
        return failures;
    }
}
