package io.couponissuer.gateway;

import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;

/** A send the broker did not acknowledge in time is a 503 with Retry-After: the caller may retry. */
final class BrokerFailures {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerFailures.class);

    private final MeterRegistry registry;

    BrokerFailures(MeterRegistry registry) {
        this.registry = registry;
    }

    void answer(Context ctx, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        Counter.builder("coupon.gateway.producer.errors").description("sends the broker did not acknowledge")
                .tag("exception", cause.getClass().getSimpleName()).register(registry).increment();
        LOG.warn("Broker did not take a record: {}", cause.toString());
        ctx.status(503).header("Retry-After", "1").json(new ApiException.ApiError("broker_unavailable",
                "the broker did not acknowledge the request in time; retry shortly (" + cause.getClass().getSimpleName()
                        + ")", null));
    }
}
