package io.couponissuer.issuer.spread;

import io.couponissuer.message.EventSoldOut;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.message.WindowOpened;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stage 2 of a spread event as an in-memory model: the event's one counter (in the issuer, the
 * decider on the event's own partition). It keeps the holders, so a holder's repeat is DUPLICATE;
 * nobody else is remembered. Every (re)definition opens a window; the claim that sells the event out
 * tells every partition. The notices are the real message records the decider sends.
 */
final class CounterModel {
    record Decision(Kind kind, long seq, String holderRequestId) {
        enum Kind { ISSUED, DUPLICATE, SOLD_OUT, EVENT_UNKNOWN }
    }

    static final String EVENT = "e";

    private long version;
    private int cap;
    private long issued;
    private final Map<String, Decision> holders = new HashMap<>();
    private final List<IssuerCommand> notices = new ArrayList<>();

    /** A (re)definition: the count is kept, so issued never exceeds any cap. */
    void define(int newCap) {
        version++;
        cap = newCap;
        notices.add(new WindowOpened(EVENT, version, cap, Math.max(0, cap - issued), null, null));
        if (issued >= cap) {
            notices.add(new EventSoldOut(EVENT, issued));
        }
    }

    Decision decide(String userId, String requestId) {
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
            notices.add(new EventSoldOut(EVENT, issued));
        }
        return won;
    }

    /** The user's coupon after this decision, as the decider reports it to the claim's partition; null if none. */
    static io.couponissuer.message.StandingDecision couponOf(String userId, Decision decision) {
        if (decision.kind() != Decision.Kind.ISSUED && decision.kind() != Decision.Kind.DUPLICATE) {
            return null;
        }
        return new io.couponissuer.message.StandingDecision(decision.holderRequestId(), EVENT, userId,
                io.couponissuer.message.StandingDecision.Status.ISSUED, null, EVENT + "-" + decision.seq(), decision.seq(),
                java.time.Instant.EPOCH);
    }

    /** The notices since the last call, in the order they were made (they go out in the same transaction). */
    List<IssuerCommand> drainNotices() {
        List<IssuerCommand> out = List.copyOf(notices);
        notices.clear();
        return out;
    }

    long issued() {
        return issued;
    }

    long version() {
        return version;
    }
}
