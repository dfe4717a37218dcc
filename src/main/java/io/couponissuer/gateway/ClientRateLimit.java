package io.couponissuer.gateway;

import com.github.benmanes.caffeine.cache.Ticker;
import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The public application routes answer a client over its rate (COUPON_GATEWAY_CLIENT_RATE, bursts
 * of COUPON_GATEWAY_CLIENT_BURST) with 429 and Retry-After, before any work, so one client's flood
 * takes no more than its share of the gateway and the others keep being served.
 *
 * <p>Telling a client no still costs a request's parsing, and a client that sends its next request as
 * soon as it has an answer turns faster on cheap 429s than on real answers. So a 429 is held back for
 * COUPON_GATEWAY_THROTTLE_HOLD_MS before it is sent (on no thread: the request is suspended), which
 * caps such a client at its connections per hold. At most COUPON_GATEWAY_MAX_THROTTLE_HOLDS are held;
 * past that a 429 goes out at once.
 */
final class ClientRateLimit implements AutoCloseable {
    private static final ApiException.ApiError TOO_MANY = new ApiException.ApiError("too_many_requests",
            "this client sends faster than the gateway serves one client; retry after Retry-After seconds", null, null);

    private final ClientKey clients;
    private final CallerIdentity identity;
    /** null: no limit (COUPON_GATEWAY_CLIENT_RATE=0). */
    private final TokenBuckets buckets;
    private final Counter refused;
    private final long holdMs;
    private final WaitSlots holds;
    private final ScheduledExecutorService releases;

    /** @param identity names a client by its token's user when it carries a valid one, else {@code clients} does */
    ClientRateLimit(ClientKey clients, CallerIdentity identity, TokenBuckets buckets, long holdMs, int maxHolds,
                    MeterRegistry registry) {
        this.clients = clients;
        this.identity = identity;
        this.buckets = buckets;
        this.refused = Counter.builder("coupon.gateway.throttled").description("requests the gateway did not serve in full")
                .tag("reason", "client_rate").register(registry);
        this.holdMs = holdMs;
        this.holds = WaitSlots.throttleHolds(maxHolds, registry);
        this.releases = buckets == null || holdMs <= 0 ? null : Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "coupon-gateway-throttle");
            thread.setDaemon(true);
            return thread;
        });
    }

    static ClientRateLimit from(Settings settings, ClientKey clients, CallerIdentity identity, MeterRegistry registry) {
        double rate = Double.parseDouble(settings.get(Setting.COUPON_GATEWAY_CLIENT_RATE));
        TokenBuckets buckets = rate <= 0 ? null : new TokenBuckets(rate, settings.getInt(Setting.COUPON_GATEWAY_CLIENT_BURST),
                settings.getInt(Setting.COUPON_GATEWAY_CLIENTS_TRACKED), Ticker.systemTicker());
        return new ClientRateLimit(clients, identity, buckets, settings.getInt(Setting.COUPON_GATEWAY_THROTTLE_HOLD_MS),
                settings.getInt(Setting.COUPON_GATEWAY_MAX_THROTTLE_HOLDS), registry);
    }

    /** {@code route}, served only to a client within its rate. */
    Handler limited(Handler route) {
        if (buckets == null) {
            return route;
        }
        return ctx -> {
            String user = identity.tokenUser(ctx);
            // A user and an address never share a bucket: one is a token's subject, the other a host.
            TokenBuckets.Admission admission = buckets.take(user != null ? "user:" + user : clients.of(ctx));
            if (admission.admitted()) {
                route.handle(ctx);
            } else {
                refuse(ctx, admission.retryAfterSeconds());
            }
        };
    }

    private void refuse(Context ctx, long retryAfterSeconds) {
        refused.increment();
        ctx.header("Retry-After", Long.toString(retryAfterSeconds));
        if (releases == null || !holds.tryTake()) {
            ctx.status(429).json(TOO_MANY);
            return;
        }
        CompletableFuture<Void> held = new CompletableFuture<>();
        releases.schedule(() -> held.complete(null), holdMs, TimeUnit.MILLISECONDS);
        ctx.future(() -> held.thenRun(() -> {
            holds.release();
            ctx.status(429).json(TOO_MANY);
        }));
    }

    @Override
    public void close() {
        if (releases != null) {
            releases.shutdownNow();
        }
    }
}
