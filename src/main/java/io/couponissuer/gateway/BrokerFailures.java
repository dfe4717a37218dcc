package io.couponissuer.gateway;

import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.CompletionException;

/** A send the broker did not acknowledge in time is a 503 with Retry-After: the caller may retry. */
final class BrokerFailures {
    private final MeterRegistry registry;

    BrokerFailures(MeterRegistry registry) {
        this.registry = registry;
    }

    void answer(Context ctx, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        Counter.builder("coupon.gateway.producer.errors").description("sends the broker did not acknowledge")
                .tag("exception", cause.getClass().getSimpleName()).register(registry).increment();
        ServerErrors.answer(ctx, 503, "broker_unavailable",
                "the broker did not take the request in time; retry shortly", cause);
    }
}
