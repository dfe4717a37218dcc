package io.couponissuer.bench;

/**
 * One application the bench sent, and what became of it.
 *
 * @param requestId     the request's id (chosen by the gateway in HTTP mode, by the bench in direct mode);
 *                      null when it was never accepted
 * @param sentNanos     System.nanoTime() before the send
 * @param acceptedNanos when the gateway answered (HTTP) or the broker acknowledged (direct); 0 if not accepted
 * @param answeredNanos HTTP with ?waitMs: when a 200 carried the decision; 0 otherwise
 * @param status        HTTP status, 0 for a transport error; 200 for a direct-mode ack
 */
public record SentRequest(String requestId, String eventId, String userId, long sentNanos, long acceptedNanos,
                          long answeredNanos, int status) {
    public boolean accepted() {
        return status == 200 || status == 202;
    }
}
