package io.couponissuer.gateway;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code coupon_gateway_requests_seconds}: every HTTP request by route, method and status. Each
 * series' Timer is kept here, so a request costs a map lookup, not a meter id built and registered.
 * The keys are bounded: route patterns (or "unmatched"), HTTP methods and status codes.
 */
final class RequestTimers {
    private record Series(String route, String method, int status) {
    }

    private final MeterRegistry registry;
    private final Map<Series, Timer> timers = new ConcurrentHashMap<>();

    RequestTimers(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(Context ctx, float millis) {
        Series series = new Series(routeOf(ctx), ctx.method().name(), ctx.statusCode());
        timers.computeIfAbsent(series, this::timer).record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
    }

    private Timer timer(Series series) {
        return Timer.builder("coupon.gateway.requests")
                .description("HTTP requests by route and status")
                .tag("route", series.route())
                .tag("method", series.method())
                .tag("status", String.valueOf(series.status()))
                .publishPercentileHistogram()
                .register(registry);
    }

    /** The matched route pattern (bounded label values), or "unmatched". */
    private static String routeOf(Context ctx) {
        try {
            return ctx.endpoint().path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }
}
