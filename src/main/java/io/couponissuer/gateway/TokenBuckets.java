package io.couponissuer.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Duration;

/**
 * A token bucket per client: {@code burst} requests at once, then {@code perSecond}. The buckets live
 * in a map bounded in size (the least recently used client is dropped first) and in time (a bucket
 * idle long enough to have filled up again is dropped: a new one is the same), so a flood of distinct
 * addresses costs at most {@code maxClients} buckets. A dropped client starts again with a full bucket.
 */
final class TokenBuckets {
    /** Whether a request may go on, and if not, in how many whole seconds the client has a token again. */
    record Admission(boolean admitted, long retryAfterSeconds) {
        static final Admission ADMITTED = new Admission(true, 0);
    }

    private final double perNano;
    private final double burst;
    private final Ticker ticker;
    private final Cache<String, Bucket> buckets;

    TokenBuckets(double perSecond, int burst, long maxClients, Ticker ticker) {
        if (perSecond <= 0 || burst < 1 || maxClients < 1) {
            throw new IllegalArgumentException("a rate above 0, a burst and a client bound of at least 1 are needed");
        }
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.ticker = ticker;
        // Evictions run on the caller's thread, so the bound holds as requests arrive, not when a pool gets to it.
        this.buckets = Caffeine.newBuilder().maximumSize(maxClients).ticker(ticker).executor(Runnable::run)
                .expireAfterAccess(Duration.ofNanos(Math.max((long) Math.ceil(burst / perNano), 1_000_000_000L)))
                .build();
    }

    Admission take(String client) {
        long now = ticker.read();
        return buckets.get(client, key -> new Bucket(burst, now)).take(now, perNano, burst);
    }

    /** Buckets held now (after pending evictions are carried out). */
    long tracked() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    private static final class Bucket {
        private double tokens;
        private long lastNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.lastNanos = now;
        }

        synchronized Admission take(long now, double perNano, double burst) {
            tokens = Math.min(burst, tokens + Math.max(0, now - lastNanos) * perNano);
            lastNanos = Math.max(lastNanos, now);
            if (tokens >= 1) {
                tokens -= 1;
                return Admission.ADMITTED;
            }
            long waitNanos = (long) Math.ceil((1 - tokens) / perNano);
            return new Admission(false, Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L));
        }
    }
}
