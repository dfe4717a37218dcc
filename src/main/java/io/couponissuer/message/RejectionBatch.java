package io.couponissuer.message;

import java.util.List;

/**
 * The rejections of one {@link ApplyBatch}, in one record on {@code coupon.rejected} (header
 * {@code coupon.type: RejectionBatch}, keyed by the eventId), in the order the issuer decided them.
 * One record for the many rejections of a batch is the output half of what the batch saves: a
 * record each would cost Kafka Streams a record's work per rejection again. A batch's coupons still
 * go one record each to {@code coupon.issued}, where the writer reads them.
 *
 * @param rejections 1 to {@value ApplyBatch#MAX_APPLICATIONS} rejections, every one of this event
 */
public record RejectionBatch(String eventId, List<Rejection> rejections) {
    public RejectionBatch {
        Ids.require("eventId", eventId);
        if (rejections == null || rejections.isEmpty() || rejections.size() > ApplyBatch.MAX_APPLICATIONS) {
            throw new InvalidMessageException("rejections", "must hold 1 to " + ApplyBatch.MAX_APPLICATIONS
                    + " rejections");
        }
        for (Rejection rejection : rejections) {
            if (rejection == null || !rejection.eventId().equals(eventId)) {
                throw new InvalidMessageException("rejections", "every rejection must be of event '" + eventId + "'");
            }
        }
        rejections = List.copyOf(rejections);
    }
}
