package io.couponissuer.tools.bench;

/**
 * When the bench knows the broker accepted an application, as the window {@code [notBefore, notAfter]}
 * (System.nanoTime()) the append must lie in. {@link FcfsInversions} calls a accepted before b only
 * when a's window ends before b's begins.
 */
enum AcceptTime {
    /**
     * Direct mode: the producer's ack callback, taken as the instant of acceptance. The callbacks of
     * one partition run on the producer's I/O thread in offset order (a batch's records in their
     * order, batches in sequence order), so within a partition this time never contradicts the
     * offset order; records of one batch were appended at once and differ only by the callbacks' own
     * run time, which is why the offset, where known, decides within a partition at delta 0.
     */
    BROKER_ACK("same partition of coupon.apply-requests at delta 0: offset order; otherwise the producer's"
            + " ack callback time t, a before b when t(a) + delta < t(b)") {
        @Override
        long notBefore(SentRequest request) {
            return request.acceptedNanos();
        }
    },
    /**
     * HTTP mode: the broker appended the record somewhere between the send and the gateway's answer,
     * and with ?waitMs the answer also waited for the decision, so the answer time is not the
     * acceptance. Only a's answer arriving before b was sent proves a was accepted first; requests in
     * flight together are not compared (an under-count, never a false inversion).
     */
    SEND_TO_ANSWER("a before b when a's HTTP answer arrived more than delta before b was sent (the broker"
            + " accepted each between its send and its answer)") {
        @Override
        long notBefore(SentRequest request) {
            return request.sentNanos();
        }
    };

    private final String description;

    AcceptTime(String description) {
        this.description = description;
    }

    /** The earliest the broker can have accepted the request. */
    abstract long notBefore(SentRequest request);

    /** The latest the broker can have accepted it: the ack in direct mode, the answer in HTTP mode. */
    long notAfter(SentRequest request) {
        return request.acceptedNanos();
    }

    String description() {
        return description;
    }
}
