package io.couponissuer.gateway;

import io.couponissuer.message.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The two halves of an application's answer time, as histograms in /metrics: from the request's
 * parse to the broker's acknowledgement of its record ({@code coupon_gateway_publish_seconds}),
 * and, with {@code ?waitMs}, from that acknowledgement to the decision's arrival or the end of the
 * wait ({@code coupon_gateway_decision_wait_seconds}, outcome decided or pending). The rest of
 * {@code coupon_gateway_requests_seconds} is HTTP and JSON. And which source gave a waiting client
 * its decision first ({@code coupon_gateway_answers_total}): the issuer as it decided, or the
 * committed ledger. And what clients were told ({@code coupon_gateway_applications_total}, by answer:
 * ISSUED, PENDING or the rejection's reason), wherever it was decided.
 */
final class ApplicationTimers {
    private final Timer publishedOk;
    private final Timer publishedFailed;
    private final Timer decided;
    private final Timer pending;
    private final Counter answeredByIssuer;
    private final Counter answeredByLedger;
    /** Every answer has its series from the start, so a rate over it is 0 rather than absent. */
    private final Map<String, Counter> told = new HashMap<>();

    ApplicationTimers(MeterRegistry registry) {
        answeredByIssuer = answers(registry, "issuer");
        answeredByLedger = answers(registry, "ledger");
        publishedOk = publish(registry, "acked");
        publishedFailed = publish(registry, "failed");
        decided = wait(registry, "decided");
        pending = wait(registry, "pending");
        told.put("ISSUED", applications(registry, "ISSUED"));
        told.put("PENDING", applications(registry, "PENDING"));
        for (RejectReason reason : RejectReason.values()) {
            told.put(reason.name(), applications(registry, reason.name()));
        }
    }

    private static Counter applications(MeterRegistry registry, String answer) {
        return Counter.builder("coupon.gateway.applications")
                .description("applications answered, by what the client was told: ISSUED, PENDING or the rejection's reason")
                .tag("answer", answer).register(registry);
    }

    /** Counts what a client was told of its application. */
    void told(Answer answer) {
        Counter counter = told.get(answer.reason() != null ? answer.reason().name() : answer.status());
        if (counter != null) {
            counter.increment();
        }
    }

    private static Timer publish(MeterRegistry registry, String outcome) {
        return Timer.builder("coupon.gateway.publish").description("application parsed to its record acknowledged by the broker")
                .tag("outcome", outcome).publishPercentileHistogram().register(registry);
    }

    private static Timer wait(MeterRegistry registry, String outcome) {
        return Timer.builder("coupon.gateway.decision.wait")
                .description("?waitMs: record acknowledged to the decision's arrival (decided) or the end of the wait (pending)")
                .tag("outcome", outcome).publishPercentileHistogram().register(registry);
    }

    void published(long startNanos, long ackedNanos, boolean acked) {
        (acked ? publishedOk : publishedFailed).record(ackedNanos - startNanos, TimeUnit.NANOSECONDS);
    }

    private static Counter answers(MeterRegistry registry, String source) {
        return Counter.builder("coupon.gateway.answers").description("?waitMs decisions by the source that answered first")
                .tag("source", source).register(registry);
    }

    /** @param byIssuer the issuer's answer as it decided came first; else the committed ledger's */
    void answered(boolean byIssuer) {
        (byIssuer ? answeredByIssuer : answeredByLedger).increment();
    }

    void waited(long ackedNanos, long answeredNanos, boolean wasDecided) {
        (wasDecided ? decided : pending).record(answeredNanos - ackedNanos, TimeUnit.NANOSECONDS);
    }
}
