package io.couponissuer.query;

import io.couponissuer.message.Decision;
import io.couponissuer.message.StandingDecision;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A gateway of its own's view of the issuers: the store questions go to the instances over HTTP, and
 * the decisions a client waits for come on the instances' answer streams ({@link AnswerStreams}), not
 * one long poll each. The stream brings a decision from whichever instance makes it, so the event's
 * owner (and a spread event's two) need not be known.
 */
public final class StreamedIssuerQueries implements IssuerQueries {
    private final IssuerQueries stores;
    private final AnswerStreams answers;

    public StreamedIssuerQueries(IssuerQueries stores, AnswerStreams answers) {
        this.stores = stores;
        this.answers = answers;
    }

    @Override
    public Optional<StandingDecision> standingDecision(String eventId, String userId) {
        return stores.standingDecision(eventId, userId);
    }

    @Override
    public Optional<EventStatus> event(String eventId) {
        return stores.event(eventId);
    }

    @Override
    public List<EventStatus> events() {
        return stores.events();
    }

    @Override
    public CompletableFuture<Optional<Decision>> awaitDecision(String eventId, String userId, String requestId, int waitMs) {
        return answers.await(requestId, waitMs);
    }
}
