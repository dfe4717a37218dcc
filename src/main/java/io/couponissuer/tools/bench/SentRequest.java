package io.couponissuer.tools.bench;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * One application the bench sent, and what became of it.
 *
 * @param requestId     the request's id (chosen by the gateway in HTTP mode, by the bench in direct mode);
 *                      null when it was never accepted
 * @param sentNanos     System.nanoTime() before the send
 * @param acceptedNanos when the gateway answered (HTTP) or the broker acknowledged (direct); 0 if not accepted
 * @param answeredNanos HTTP with ?waitMs: when a 200 carried the decision; 0 otherwise
 * @param status        HTTP status, 0 for a transport error; 200 for a direct-mode ack
 * @param failure       why it was not accepted ("HTTP 500", "IOException: Connection reset"); null when accepted
 * @param position      where the broker appended it (direct mode, from the ack); null when the bench does not know
 */
public record SentRequest(String requestId, String eventId, String userId, long sentNanos, long acceptedNanos,
                          long answeredNanos, int status, String failure, LogPosition position) {

    /** A record's place on coupon.apply-requests: within a partition, the order the issuer decides in. */
    public record LogPosition(int partition, long offset) {
    }

    /** A request whose place on the topic the bench does not know (HTTP mode, or not accepted). */
    public SentRequest(String requestId, String eventId, String userId, long sentNanos, long acceptedNanos,
                       long answeredNanos, int status, String failure) {
        this(requestId, eventId, userId, sentNanos, acceptedNanos, answeredNanos, status, failure, null);
    }

    /**
     * A short kind of a transport or send error, so that a report can count errors by cause: numbers
     * (timings, ports) become '#', so one cause is one key.
     */
    static String failureOf(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String kind = cause.getClass().getSimpleName();
        return cause.getMessage() == null ? kind : kind + ": " + cause.getMessage().replaceAll("[0-9]+", "#");
    }

    public boolean accepted() {
        return status == 200 || status == 202;
    }
}
