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
    private final CallerIdentity identity;
    /** null: no limit (COUPON_GATEWAY_CLIENT_RATE=0). */
    private final TokenBuckets buckets;
    private final Counter refused;

    /** @param identity names a client by its token's user when it carries a valid one, else {@code clients} does */
    ClientRateLimit(ClientKey clients, CallerIdentity identity, TokenBuckets buckets, MeterRegistry registry) {
        this.clients = clients;
        this.identity = identity;
        this.buckets = buckets;
        this.refused = Counter.builder("coupon.gateway.throttled").description("requests the gateway did not serve in full")
                .tag("reason", "client_rate").register(registry);
    }

    static ClientRateLimit from(Settings settings, ClientKey clients, CallerIdentity identity, MeterRegistry registry) {
        double rate = Double.parseDouble(settings.get(Setting.COUPON_GATEWAY_CLIENT_RATE));
        TokenBuckets buckets = rate <= 0 ? null : new TokenBuckets(rate, settings.getInt(Setting.COUPON_GATEWAY_CLIENT_BURST),
                settings.getInt(Setting.COUPON_GATEWAY_CLIENTS_TRACKED), Ticker.systemTicker());
        return new ClientRateLimit(clients, identity, buckets, registry);
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
        String user = identity.tokenUser(ctx);
        // A user and an address never share a bucket: one is a token's subject, the other a host.
        TokenBuckets.Admission admission = buckets.take(user != null ? "user:" + user : clients.of(ctx));
        if (!admission.admitted()) {
            refused.increment();
            ctx.header("Retry-After", String.valueOf(admission.retryAfterSeconds()));
            throw new ApiException(429, "too_many_requests",
                    "this client sends faster than the gateway serves one client; retry after Retry-After seconds", null);
        }
    }
}
