package io.couponissuer.issuer;

import io.couponissuer.message.StandingDecision;
import io.couponissuer.message.EventUserKey;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.HashMap;
import java.util.Map;

/**
 * Who holds a coupon of the events asked about most, in memory in front of the decisions store.
 *
 * <p>Once an event is sold out nearly every application comes from a user without a coupon, and the
 * store says "none" only after a cache miss and a RocksDB read, a visible share of the stream thread in
 * a profile with batched applications. An event's holders are its coupons, so one prefix scan of {@code eventId/}
 * reads them all. The scan is made once the store has been asked about the event as many times as the
 * scan reads entries, so it pays for itself, and a task that cycles over more events than it keeps
 * spends at most twice the reads it would have.
 *
 * <p>Complete or absent, never partial: every coupon the decider issues goes in, and {@link #clear()}
 * (from the decider's init(), after which the stores are what the last commit left) empties it.
 *
 * <p>Not final: a test stands in one whose store read fails, to see what a failure mid-decision leaves.
 */
class CouponHolders {
    /** An event with more coupons than this is always asked of the store. */
    static final int MAX_HOLDERS = 1_000;
    static final int EVENTS = 32;

    private final LruMap<Map<String, StandingDecision>> holders;
    /** Store reads per event since its holders were last dropped (or never kept). */
    private final LruMap<long[]> reads = new LruMap<>(1_000);
    private final int maxHolders;

    CouponHolders() {
        this(EVENTS, MAX_HOLDERS);
    }

    /** @param events how many events' holders are kept; @param maxHolders 0: none, every answer from the store */
    CouponHolders(int events, int maxHolders) {
        this.holders = new LruMap<>(events);
        this.maxHolders = maxHolders;
    }

    /** The coupon the user holds in the event, or null. @param issued the event's coupons so far */
    StandingDecision coupon(KeyValueStore<String, StandingDecision> store, String eventId, String userId, long issued) {
        Map<String, StandingDecision> known = holders.get(eventId);
        if (known == null && issued <= maxHolders && ++readsOf(eventId)[0] > issued) {
            known = scan(store, eventId);
            holders.put(eventId, known);
            reads.remove(eventId);
        }
        if (known != null) {
            return known.get(userId);
        }
        StandingDecision decision = store.get(EventUserKey.of(eventId, userId));
        return decision != null && decision.stands() ? decision : null;
    }

    /** A coupon just issued (and put in the store). */
    void issued(String eventId, String userId, StandingDecision coupon) {
        Map<String, StandingDecision> known = holders.get(eventId);
        if (known != null) {
            if (known.size() >= maxHolders) {
                holders.remove(eventId); // grown past what is kept: the store answers from now on
            } else {
                known.put(userId, coupon);
            }
        }
    }

    void clear() {
        holders.clear();
        reads.clear();
    }

    private long[] readsOf(String eventId) {
        long[] count = reads.get(eventId);
        if (count == null) {
            count = new long[1];
            reads.put(eventId, count);
        }
        return count;
    }

    private static Map<String, StandingDecision> scan(KeyValueStore<String, StandingDecision> store, String eventId) {
        String prefix = EventUserKey.of(eventId, "");
        Map<String, StandingDecision> known = new HashMap<>();
        try (KeyValueIterator<String, StandingDecision> entries = store.prefixScan(prefix, new StringSerializer())) {
            while (entries.hasNext()) {
                KeyValue<String, StandingDecision> entry = entries.next();
                if (entry.value != null && entry.value.stands()) {
                    known.put(entry.key.substring(prefix.length()), entry.value);
                }
            }
        }
        return known;
    }
}
