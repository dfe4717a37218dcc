package io.couponissuer.ops;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.function.Supplier;

/**
 * GET /ops (the operators' page), its assets from the jar (no CDN: the page works where the
 * gateway does) and GET /api/ops/summary, the JSON the page draws. The wiring adds these routes to
 * the gateway's server; the gateway itself knows nothing of them.
 */
public final class OpsPage {
    /** The assets there are; anything else is a 404, so no path reaches the class path freely. */
    private static final Map<String, String> ASSETS = Map.of(
            "ops.js", "text/javascript; charset=utf-8",
            "ops.css", "text/css; charset=utf-8");

    private final Supplier<OpsSummary> summary;

    public OpsPage(Supplier<OpsSummary> summary) {
        this.summary = summary;
    }

    public void register(JavalinConfig cfg) {
        cfg.routes.get("/api/ops/summary", this::summary);
        cfg.routes.get("/ops", this::page);
        cfg.routes.get("/ops/{asset}", this::asset);
    }

    void summary(Context ctx) {
        ctx.header("Cache-Control", "no-store").json(summary.get());
    }

    void page(Context ctx) throws IOException {
        serve(ctx, "index.html", "text/html; charset=utf-8");
    }

    void asset(Context ctx) throws IOException {
        String name = ctx.pathParam("asset");
        String type = ASSETS.get(name);
        if (type == null) {
            ctx.status(404).result("no such asset");
            return;
        }
        serve(ctx, name, type);
    }

    private static void serve(Context ctx, String name, String contentType) throws IOException {
        try (InputStream in = OpsPage.class.getResourceAsStream("/ops/" + name)) {
            if (in == null) {
                throw new IllegalStateException("ops/" + name + " is missing from the jar");
            }
            ctx.contentType(contentType).result(in.readAllBytes());
        }
    }
}
