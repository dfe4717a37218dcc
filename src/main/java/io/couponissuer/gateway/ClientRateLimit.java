package io.couponissuer.gateway;

import com.github.benmanes.caffeine.cache.Ticker;
import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The public application routes answer a client over its rate (COUPON_GATEWAY_CLIENT_RATE, bursts
 * of COUPON_GATEWAY_CLIENT_BURST) with 429 and Retry-After, before any work: so one client's flood
 * takes no more than its share of the gateway, and the others keep being served.
 */
final class ClientRateLimit {
    private final ClientKey clients;
    /** null: no limit (COUPON_GATEWAY_CLIENT_RATE=0). */
    private final TokenBuckets buckets;
    private final Counter refused;

    ClientRateLimit(ClientKey clients, TokenBuckets buckets, MeterRegistry registry) {
        this.clients = clients;
        this.buckets = buckets;
        this.refused = Counter.builder("coupon.gateway.throttled").description("requests the gateway did not serve in full")
                .tag("reason", "client_rate").register(registry);
    }

    static ClientRateLimit from(Settings settings, ClientKey clients, MeterRegistry registry) {
        double rate = Double.parseDouble(settings.get(Setting.COUPON_GATEWAY_CLIENT_RATE));
        TokenBuckets buckets = rate <= 0 ? null : new TokenBuckets(rate, settings.getInt(Setting.COUPON_GATEWAY_CLIENT_BURST),
                settings.getInt(Setting.COUPON_GATEWAY_CLIENTS_TRACKED), Ticker.systemTicker());
        return new ClientRateLimit(clients, buckets, registry);
    }

    /** {@code route}, served only to a client within its rate. */
    Handler limited(Handler route) {
        if (buckets == null) {
            return route;
        }
        return ctx -> {
            admit(ctx);
            route.handle(ctx);
        };
    }

    private void admit(Context ctx) {
        TokenBuckets.Admission admission = buckets.take(clients.of(ctx));
        if (!admission.admitted()) {
            refused.increment();
            ctx.header("Retry-After", String.valueOf(admission.retryAfterSeconds()));
            throw new ApiException(429, "too_many_requests",
                    "this client sends faster than the gateway serves one client; retry after Retry-After seconds", null);
        }
    }
}
