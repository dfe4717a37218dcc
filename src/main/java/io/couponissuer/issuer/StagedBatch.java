package io.couponissuer.issuer;

import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.StandingDecision;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.message.Rejection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ApplyBatch's decisions while they are made, held back until the last of them is: the event's
 * count with the batch's coupons in it, who got one of them, and every output in the order made. The
 * decider reads the count and the coupons from here before its stores, so each application is decided
 * as if the earlier ones were written, and writes nothing until the whole batch is decided.
 */
final class StagedBatch {
    private final String eventId;
    private long issued;
    /** userId to the coupon issued in this batch, in the order issued. */
    private final Map<String, StandingDecision> coupons = new LinkedHashMap<>();
    private final List<CouponIssued> issuedCoupons = new ArrayList<>();
    private final List<Rejection> rejections;
    private final List<ApplyRequest> rerouted = new ArrayList<>();
    private final List<IssuerCommand> notices = new ArrayList<>();

    /** @param issued the event's count before the batch */
    StagedBatch(String eventId, long issued, int applications) {
        this.eventId = eventId;
        this.issued = issued;
        this.rejections = new ArrayList<>(applications);
    }

    String eventId() {
        return eventId;
    }

    /** The event's count with the coupons issued so far in the batch. */
    long issued() {
        return issued;
    }

    /** The coupon the user got earlier in this batch, or null. */
    StandingDecision coupon(String userId) {
        return coupons.get(userId);
    }

    void issue(CouponIssued coupon, StandingDecision decision) {
        issued = coupon.seq();
        coupons.put(coupon.userId(), decision);
        issuedCoupons.add(coupon);
    }

    void reject(Rejection rejection) {
        rejections.add(rejection);
    }

    void reroute(ApplyRequest application) {
        rerouted.add(application);
    }

    void notice(IssuerCommand notice) {
        notices.add(notice);
    }

    boolean issuedAny() {
        return !issuedCoupons.isEmpty();
    }

    /** userId to coupon, in the order issued. */
    Map<String, StandingDecision> coupons() {
        return coupons;
    }

    List<CouponIssued> issuedCoupons() {
        return issuedCoupons;
    }

    List<Rejection> rejections() {
        return rejections;
    }

    List<ApplyRequest> rerouted() {
        return rerouted;
    }

    List<IssuerCommand> notices() {
        return notices;
    }
}
