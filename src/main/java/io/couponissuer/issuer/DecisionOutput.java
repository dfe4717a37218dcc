package io.couponissuer.issuer;

import io.couponissuer.issuer.spread.SpreadGate;
import io.couponissuer.kafka.IssuerCommandSerde;
import org.apache.kafka.common.header.Header;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.Decision;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.Rejection;
import io.couponissuer.message.RejectionBatch;
import io.couponissuer.message.StandingDecision;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.util.List;

/**
 * How a decision leaves the issuer, for both the decider and a spread event's stage-1 partition: onto
 * its ledger topic (coupon.issued or coupon.rejected, keyed by eventId, in the task's transaction; a
 * batch's rejections in one record) and, when a client waits for it, straight to that client
 * ({@link DecisionFeed}).
 */
final class DecisionOutput implements SpreadGate.Rejections {
    private final RejectionCounter rejections;
    private final DecisionFeed feed;

    DecisionOutput(RejectionCounter rejections, DecisionFeed feed) {
        this.rejections = rejections;
        this.feed = feed;
    }

    void issued(ProcessorContext<String, Object> context, Record<String, ?> record, CouponIssued coupon) {
        context.forward(record.withKey(coupon.eventId()).withValue(coupon), CouponTopology.ISSUED_SINK);
        tellWaiter(record, coupon);
    }

    @Override
    public void rejected(ProcessorContext<String, Object> context, Record<String, ?> record, ApplyRequest request,
                  RejectReason reason, StandingDecision first) {
        Rejection rejection = rejection(request, reason, first);
        tellWaiter(record, rejection);
        rejections.count(request.eventId(), reason);
        context.forward(record.withKey(request.eventId()).withValue(rejection), CouponTopology.REJECTED_SINK);
    }

    /** A rejection made, not yet sent or told to anyone ({@link #decidedTogether}). */
    static Rejection rejection(ApplyRequest request, RejectReason reason, StandingDecision first) {
        return new Rejection(request.requestId(), request.eventId(), request.userId(), reason,
                request.requestedAt(), first);
    }

    /**
     * The decisions of one input batch, made whole: each coupon onto coupon.issued, the rejections in
     * one record (none if empty); only once all of that is sent do the waiting clients and the counter
     * hear of them, so a send that fails has told nobody anything.
     */
    void decidedTogether(ProcessorContext<String, Object> context, Record<String, ?> record, String eventId,
                         List<CouponIssued> coupons, List<Rejection> together) {
        for (CouponIssued coupon : coupons) {
            context.forward(record.withKey(coupon.eventId()).withValue(coupon), CouponTopology.ISSUED_SINK);
        }
        if (!together.isEmpty()) {
            context.forward(record.withKey(eventId).withValue(new RejectionBatch(eventId, together)),
                    CouponTopology.REJECTION_BATCHES_SINK);
        }
        for (CouponIssued coupon : coupons) {
            tellWaiter(record, coupon);
        }
        for (Rejection rejection : together) {
            tellWaiter(record, rejection);
            rejections.count(eventId, rejection.reason());
        }
    }

    /** The decision, as it goes onto the ledger, to a client waiting for it (only if one said so). */
    private void tellWaiter(Record<String, ?> record, Decision decision) {
        Header awaited = record.headers().lastHeader(IssuerCommandSerde.AWAITED_HEADER);
        if (awaited != null) {
            feed.decided(awaited.value(), decision);
        }
    }
}
