package io.couponissuer.query;

import io.couponissuer.message.Decision;
import io.couponissuer.message.StandingDecision;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What the gateway asks the issuer's state stores. */
public interface IssuerQueries {
    /** The decision that stands for a user of an event (the user's coupon), if any. */
    Optional<StandingDecision> standingDecision(String eventId, String userId);

    /** The event's definition and counts, if the event is defined. */
    Optional<EventStatus> event(String eventId);

    /** Every defined event with its counts, across all issuer instances, ordered by eventId. */
    List<EventStatus> events();

    /**
     * The decision on an awaited application (header coupon.awaited) as the issuer that owns the
     * event makes it, before its transaction commits (DecisionFeed): within {@code waitMs}, or
     * empty when the wait ran out or no issuer could be asked. Never fails: the committed ledger is
     * the caller's other source.
     *
     * @param userId null for an application keyed by its event (asked of the event's partition); for one
     *               keyed eventId/userId (a spread event) the user, asked of the user's partition, where
     *               stage 1 decides
     */
    CompletableFuture<Optional<Decision>> awaitDecision(String eventId, String userId, String requestId, int waitMs);

    /** The stores cannot answer now (rebalancing, restoring, owner unreachable): try again shortly. */
    final class UnavailableException extends RuntimeException {
        public UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
