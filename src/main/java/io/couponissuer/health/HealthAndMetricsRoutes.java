package io.couponissuer.health;

import io.javalin.config.JavalinConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Map;

/** The routes every role that serves HTTP has: liveness, readiness with reasons, Prometheus metrics. */
public final class HealthAndMetricsRoutes {
    private HealthAndMetricsRoutes() {
    }

    public static void register(JavalinConfig config, Readiness readiness, PrometheusMeterRegistry registry) {
        registerHealth(config, readiness);
        registerMetrics(config, registry);
    }

    /** Liveness and readiness: what a load balancer or an orchestrator asks. */
    public static void registerHealth(JavalinConfig config, Readiness readiness) {
        config.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
        config.routes.get("/health/ready", ctx -> {
            Readiness.Report report = readiness.report();
            ctx.status(report.ready() ? 200 : 503).json(report);
        });
    }

    /** Prometheus' scrape. */
    public static void registerMetrics(JavalinConfig config, PrometheusMeterRegistry registry) {
        config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(registry.scrape()));
    }
}
