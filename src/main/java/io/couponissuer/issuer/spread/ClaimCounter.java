package io.couponissuer.issuer.spread;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stage 2 of a spread event: the one writer that counts its claims and issues the first {@code cap}.
 * It keeps the holders (at most the cap), so a holder's repeat is {@code DUPLICATE} with its coupon;
 * nobody else is remembered ({@code SOLD_OUT} is not final). Every (re)definition opens a new
 * version with its window, and the claim that sells a version out sells it out for every stage-1
 * partition: both are notices for {@link ClaimGate}. Plain rules: no Kafka, no clock.
 */
public final class ClaimCounter {
    /** The counter's answer to one claim. */
    public record Decision(Kind kind, long seq, String holderRequestId) {
        public enum Kind { ISSUED, DUPLICATE, SOLD_OUT, EVENT_UNKNOWN }
    }

    /** A notice to every stage-1 partition of the event. */
    public sealed interface Notice permits Opened, SoldOut {
        long version();
    }

    public record Opened(long version, long window) implements Notice {
    }

    public record SoldOut(long version) implements Notice {
    }

    private long version;
    private long cap;
    private long issued;
    /** userId -> the request that won its coupon, and the coupon's seq. */
    private final Map<String, Decision> holders = new HashMap<>();
    private final List<Notice> notices = new ArrayList<>();

    /** A (re)definition: the count is kept, so issued never exceeds any cap. */
    public void define(long newCap) {
        version++;
        cap = newCap;
        notices.add(new Opened(version, Math.max(0, cap - issued)));
        if (issued >= cap) {
            notices.add(new SoldOut(version));
        }
    }

    public Decision decide(String userId, String requestId) {
        if (version == 0) {
            return new Decision(Decision.Kind.EVENT_UNKNOWN, 0, null);
        }
        Decision coupon = holders.get(userId);
        if (coupon != null) {
            return new Decision(Decision.Kind.DUPLICATE, coupon.seq(), coupon.holderRequestId());
        }
        if (issued >= cap) {
            return new Decision(Decision.Kind.SOLD_OUT, 0, null);
        }
        issued++;
        Decision won = new Decision(Decision.Kind.ISSUED, issued, requestId);
        holders.put(userId, won);
        if (issued == cap) {
            notices.add(new SoldOut(version));
        }
        return won;
    }

    /** The notices since the last call, in the order they were made (they go out in the same transaction). */
    public List<Notice> drainNotices() {
        List<Notice> out = List.copyOf(notices);
        notices.clear();
        return out;
    }

    public long issued() {
        return issued;
    }

    public long version() {
        return version;
    }
}
