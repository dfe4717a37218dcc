package io.couponissuer.gateway;

import io.couponissuer.kafka.CommittedEvent;
import io.couponissuer.kafka.CommittedEvents;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.Rejection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The answers at the edge (docs/architecture.md#answers-at-the-edge): the rejection committed records
 * prove for an application, once it is written to coupon.rejected, or empty when the issuer must
 * decide it. A holder's DUPLICATE is proven at once; the other reasons only if they still hold after
 * a read barrier asked once the application arrived.
 */
final class EdgeAnswers {
    /** Past this the barrier is not worth waiting for: the application goes to the issuer. */
    private static final long BARRIER_TIMEOUT_MS = 500;
    private static final CompletableFuture<Optional<Rejection>> ISSUER_DECIDES = CompletableFuture.completedFuture(Optional.empty());

    private final CommittedEvents committed;
    private final EdgeRejections rejections;
    private final boolean enabled;
    private final int sendTimeoutMs;
    private final Map<RejectReason, Counter> answered = new EnumMap<>(RejectReason.class);

    /** @param sendTimeoutMs COUPON_GATEWAY_SEND_TIMEOUT_MS: the longest a client waits for its rejection's record */
    EdgeAnswers(CommittedEvents committed, EdgeRejections rejections, boolean enabled, int sendTimeoutMs,
                MeterRegistry registry) {
        this.sendTimeoutMs = sendTimeoutMs;
        this.committed = committed;
        this.rejections = rejections;
        this.enabled = enabled;
        for (RejectReason reason : new RejectReason[] {RejectReason.DUPLICATE, RejectReason.SOLD_OUT,
                RejectReason.NOT_OPEN, RejectReason.CLOSED}) {
            answered.put(reason, Counter.builder("coupon.gateway.edge.answers")
                    .description("applications the gateway decided from committed records, without the issuer")
                    .tag("reason", reason.name()).register(registry));
        }
    }

    /**
     * The rejection to answer with, on coupon.rejected already; empty: send the application to the
     * issuer. Fails when the broker did not take the rejection in time (the client gets a 503, as for
     * an application the broker did not take).
     */
    CompletableFuture<Optional<Rejection>> answer(ApplyRequest application) {
        Optional<CommittedEvent> event = enabled ? committed.event(application.eventId()) : Optional.empty();
        if (event.isEmpty()) {
            return ISSUER_DECIDES;
        }
        Optional<Rejection> seen = event.get().proves(application);
        if (seen.isEmpty()) {
            return ISSUER_DECIDES;
        }
        if (seen.get().reason() == RejectReason.DUPLICATE) {
            return written(seen.get());
        }
        return committed.caughtUp(application.eventId()).orTimeout(BARRIER_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .handle((caughtUp, error) -> error != null ? Optional.<Rejection>empty() : event.get().proves(application))
                .thenCompose(proven -> proven.isEmpty() ? ISSUER_DECIDES : written(proven.get()));
    }

    private CompletableFuture<Optional<Rejection>> written(Rejection proven) {
        CompletableFuture<Void> written = rejections.write(proven);
        if (written == null) {
            return ISSUER_DECIDES; // the unsent rejections are at their bound
        }
        return written.orTimeout(sendTimeoutMs, TimeUnit.MILLISECONDS).thenApply(done -> {
            answered.get(proven.reason()).increment();
            return Optional.of(proven);
        });
    }
}
