package io.couponissuer.ops;

import io.javalin.config.JavalinConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The routes every role that serves HTTP has: liveness, readiness with reasons, Prometheus metrics. */
public final class OpsRoutes {
    private OpsRoutes() {
    }

    public static void register(JavalinConfig config, List<HealthCheck> checks, PrometheusMeterRegistry registry) {
        config.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
        config.routes.get("/health/ready", ctx -> {
            Map<String, Object> parts = new LinkedHashMap<>();
            boolean ready = true;
            for (HealthCheck check : checks) {
                HealthCheck.Status status = check.check();
                ready &= status.ready();
                parts.put(status.component(), Map.of("ready", status.ready(), "reason", status.reason()));
            }
            ctx.status(ready ? 200 : 503).json(Map.of("status", ready ? "READY" : "NOT_READY", "checks", parts));
        });
        config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(registry.scrape()));
    }
}
