package io.couponissuer.message;

import java.util.List;

/**
 * Several applications of one event in one record on {@code coupon.apply-requests} (header
 * {@code coupon.type: ApplyBatch}, keyed by the eventId), for a producer that writes to the topic
 * directly: the issuer decides them in list order, exactly as the same applications one record each;
 * each coupon goes to {@code coupon.issued} on its own, the rejections together in one
 * {@link RejectionBatch}. One record for many applications, both ways, is what the per-record cost of
 * a Kafka Streams hop asks for (docs/benchmarks.md#batches-of-applications).
 *
 * @param applications 1 to {@value #MAX_APPLICATIONS} applications, every one of this event
 */
public record ApplyBatch(String eventId, List<ApplyRequest> applications) implements IssuerCommand {
    /** With ~150 B each, this many stay under the topic's 64 KiB record limit. */
    public static final int MAX_APPLICATIONS = 256;

    public ApplyBatch {
        Ids.require("eventId", eventId);
        if (applications == null || applications.isEmpty() || applications.size() > MAX_APPLICATIONS) {
            throw new InvalidMessageException("applications", "must hold 1 to " + MAX_APPLICATIONS + " applications");
        }
        for (ApplyRequest application : applications) {
            if (application == null || !application.eventId().equals(eventId)) {
                throw new InvalidMessageException("applications", "every application must be of event '" + eventId + "'");
            }
        }
        applications = List.copyOf(applications);
    }

    /** These applications as made at {@code at}. */
    public ApplyBatch at(java.time.Instant at) {
        return new ApplyBatch(eventId, applications.stream().map(application -> application.at(at)).toList());
    }
}
