package io.couponissuer.health;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Handler;
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

    /**
     * Liveness and readiness on a port the public reaches: {@code /health/ready} says only READY or
     * NOT_READY and the component that is not ready. {@code ?detail} adds every check's reason (hosts,
     * URLs, remedies) for whoever {@code detailAccess} lets through (it throws to refuse); with no
     * {@code detailAccess} (an operators' port serves them) {@code ?detail} is ignored here.
     */
    public static void registerPublicHealth(JavalinConfig config, Readiness readiness, Handler detailAccess) {
        config.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
        config.routes.get("/health/ready", ctx -> {
            boolean detail = detailAccess != null && ctx.queryParamMap().containsKey("detail");
            if (detail) {
                detailAccess.handle(ctx);
            }
            Readiness.Report report = readiness.report();
            ctx.status(report.ready() ? 200 : 503);
            if (detail) {
                ctx.json(report);
            } else {
                ctx.json(report.summary());
            }
        });
    }

    /** Prometheus' scrape. */
    public static void registerMetrics(JavalinConfig config, PrometheusMeterRegistry registry) {
        config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(registry.scrape()));
    }
}
