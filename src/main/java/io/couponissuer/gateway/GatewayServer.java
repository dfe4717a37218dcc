package io.couponissuer.gateway;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.db.CouponLedgerReader;
import io.couponissuer.health.HealthAndMetricsRoutes;
import io.couponissuer.kafka.CommittedEvents;
import io.couponissuer.health.Readiness;
import io.javalin.util.ConcurrencyUtil;
import org.eclipse.jetty.util.thread.ThreadPool;
import io.couponissuer.json.Json;
import io.couponissuer.query.IssuerQueries;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.compression.Gzip;
import io.javalin.config.JavalinConfig;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The HTTP API. Every route is listed in {@link #routes}; handlers are small classes beside this one. */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    private static final int ACCEPT_QUEUE_SIZE = 4096;
    /** The operators' routes that carry data: every event's figures, the lag, the metrics. */
    private static final List<String> OPERATOR_DATA = List.of("/api/ops/summary", "/metrics");

    private final Javalin app;
    /** The operators' listener (COUPON_MANAGEMENT_PORT); null when the API port serves their routes too. */
    private final Javalin management;
    private final String host;
    private final int port;
    private final int managementPort;
    private final CallerIdentity identity;
    private final ClientRateLimit rates;
    private final ApplicationBatches batches;

    /**
     * @param definitions the definitions in effect, read committed: which events exist, which are spread,
     *                    and what committed records prove of an application (docs/architecture.md#answers-at-the-edge)
     * @param edgeRejections where the rejections decided at the edge are written, to coupon.rejected
     * @param ledger   the coupon table, for the winners of an event
     * @param opsRoutes the operators' routes (the ops page and its summary), added by the wiring; with
     *                  /metrics they are served on COUPON_MANAGEMENT_PORT when it is set, else here
     */
    public GatewayServer(Settings settings, CommandPublisher publisher, DecisionWaiter waiter,
                         CommittedEvents definitions, EdgeRejections edgeRejections, IssuerQueries queries,
                         CouponLedgerReader ledger, Readiness readiness, PrometheusMeterRegistry registry, Clock clock,
                         Consumer<JavalinConfig> opsRoutes) {
        this.host = settings.get(Setting.COUPON_HTTP_HOST);
        this.port = settings.getInt(Setting.COUPON_HTTP_PORT);
        String managementSetting = settings.get(Setting.COUPON_MANAGEMENT_PORT);
        this.managementPort = managementSetting.isBlank() ? port : Integer.parseInt(managementSetting.trim());
        boolean ownManagementPort = managementPort != port;
        this.identity = CallerIdentity.from(settings); // fails here, before any listener, on a bad jwt setup
        BrokerFailures brokerFailures = new BrokerFailures(registry);
        AdminAuth auth = new AdminAuth(settings.get(Setting.COUPON_ADMIN_TOKEN));
        EventHandlers events = new EventHandlers(auth, publisher, definitions,
                settings.getInt(Setting.COUPON_GATEWAY_DEFINE_TIMEOUT_MS), queries, brokerFailures, clock);
        CouponListHandlers coupons = new CouponListHandlers(auth, queries, ledger);
        // Javalin's own pool (its name and sizes), made here so the handlers can answer on it.
        ThreadPool serverThreads = ConcurrencyUtil.jettyThreadPool("JettyServerThreadPool", 8, 250, false);
        this.batches = new ApplicationBatches(publisher, settings.getInt(Setting.COUPON_GATEWAY_BATCH_MS),
                settings.getInt(Setting.COUPON_GATEWAY_BATCH_MAX), registry);
        ApplicationHandlers applications = new ApplicationHandlers(batches, waiter, queries, definitions,
                brokerFailures, clock, new ApplicationTimers(registry), identity,
                WaitSlots.waits(settings.getInt(Setting.COUPON_GATEWAY_MAX_WAITS), registry),
                new EdgeAnswers(definitions, edgeRejections, settings.getBoolean(Setting.COUPON_GATEWAY_EDGE_ANSWERS),
                        settings.getInt(Setting.COUPON_GATEWAY_SEND_TIMEOUT_MS), registry),
                serverThreads);
        // A client is its token's user (jwt mode, a valid token), else its source address (or the first
        // untrusted X-Forwarded-For hop).
        ClientRateLimit rates = ClientRateLimit.from(settings,
                ClientKey.sourceAddress(ClientKey.proxies(settings.get(Setting.COUPON_GATEWAY_TRUSTED_PROXIES))),
                identity, registry);
        this.rates = rates;
        this.app = Javalin.create(cfg -> {
            cfg.jetty.threadPool = serverThreads;
            cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            cfg.http.maxRequestSize = RequestBodies.MAX_BODY_BYTES;
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.addConnector((server, httpConfig) -> connector(server, httpConfig, host, port));
            cfg.http.compressionStrategy = jsonCompression();
            RequestTimers requestTimers = new RequestTimers(registry);
            cfg.requestLogger.http(requestTimers::record);
            routes(cfg, events, applications, coupons, rates);
            // Readiness details name hosts, URLs and remedies: an operators' port serves them, else the admin.
            HealthAndMetricsRoutes.registerPublicHealth(cfg, readiness, ownManagementPort ? null : auth::require);
            if (!ownManagementPort) {
                // Sharing the public port, what operators read needs the admin token. The page and its
                // script (no data) are served to anyone; the page sends the token with its data calls.
                operatorRoutes(cfg, opsRoutes, registry);
                for (String path : OPERATOR_DATA) {
                    cfg.routes.before(path, auth::require);
                }
            }
            errors(cfg);
        });
        this.management = !ownManagementPort ? null : Javalin.create(cfg -> {
            cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.addConnector((server, httpConfig) -> connector(server, httpConfig, host, managementPort));
            operatorRoutes(cfg, opsRoutes, registry);
            // The ops page lists an event's winners from the page's own origin (admin token, as on the API port).
            cfg.routes.get("/api/events/{eventId}/coupons", coupons::list);
            HealthAndMetricsRoutes.registerHealth(cfg, readiness);
            errors(cfg);
        });
    }

    /** What operators and Prometheus read, and the public should not: every event's figures and the lag. */
    private static void operatorRoutes(JavalinConfig cfg, Consumer<JavalinConfig> opsRoutes,
                                       PrometheusMeterRegistry registry) {
        opsRoutes.accept(cfg);
        HealthAndMetricsRoutes.registerMetrics(cfg, registry);
    }

    /**
     * Javalin's own connector, with a deeper accept queue: a flash crowd opens a thousand connections
     * in the same moment, and the JVM's default backlog of 50 overflowed (Linux ListenOverflows), which
     * java.net.http clients saw as "header parser received no bytes". The kernel caps it at somaxconn.
     */
    private static ServerConnector connector(Server server, HttpConfiguration httpConfig, String host, int port) {
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(ACCEPT_QUEUE_SIZE);
        return connector;
    }

    /** The admin's routes are not rate-limited (the token is the limit); the public application routes are. */
    private static void routes(JavalinConfig cfg, EventHandlers events, ApplicationHandlers applications,
                               CouponListHandlers coupons, ClientRateLimit rates) {
        cfg.routes.post("/api/events", events::create);
        cfg.routes.get("/api/events", events::list);
        cfg.routes.get("/api/events/{eventId}/coupons", coupons::list);
        cfg.routes.get("/api/events/{eventId}", rates.limited(events::get));
        cfg.routes.post("/api/events/{eventId}/applications", rates.limited(applications::apply));
        cfg.routes.get("/api/events/{eventId}/applications/{userId}", rates.limited(applications::status));
        cfg.routes.get(OpenApiDocument.PATH, OpenApiDocument::serve);
    }

    private static void errors(JavalinConfig cfg) {
        cfg.routes.exception(ApiException.class, (e, ctx) -> {
            if (e.status() >= 500) {
                ServerErrors.answer(ctx, e.status(), e.code(), e.getMessage(), e.getCause());
            } else {
                ctx.status(e.status()).json(e.body());
            }
        });
        cfg.routes.exception(IssuerQueries.UnavailableException.class, (e, ctx) -> ServerErrors.answer(ctx, 503,
                "issuer_unavailable", "the issuer cannot answer now; try again", e));
        cfg.routes.exception(HttpResponseException.class, (e, ctx) -> {
            if (e.getStatus() == 413) {
                ctx.status(413).json(RequestBodies.tooLarge().body());
            } else if (e.getStatus() >= 500) {
                ServerErrors.answer(ctx, e.getStatus(), "http_" + e.getStatus(), "the gateway cannot answer now", e);
            } else {
                ctx.status(e.getStatus()).json(new ApiException.ApiError("http_" + e.getStatus(), e.getMessage(), null, null));
            }
        });
        cfg.routes.exception(Exception.class, (e, ctx) -> ServerErrors.answer(ctx, 500, "internal_error",
                "unexpected error; the gateway's log has it under this correlationId", e));
    }

    /**
     * Javalin's gzip, with JSON named as compressible: Javalin looks for a response's type among the
     * named ones first, and otherwise compares it, ignoring case, with each type it never compresses,
     * on every answer; that comparison was a visible share of the request path in a profile. Answers
     * below Javalin's minimum size are still sent as they are.
     */
    private static CompressionStrategy jsonCompression() {
        CompressionStrategy strategy = new CompressionStrategy(null, new Gzip());
        strategy.setAllowedMimeTypes(List.of("application/json"));
        return strategy;
    }

    public GatewayServer start() {
        app.start(host, port);
        LOG.info("Gateway listening on http://{}:{}", host, app.port());
        if (management != null) {
            try {
                management.start(host, managementPort);
            } catch (RuntimeException e) {
                close(); // the API listener is up already: a half-started gateway must not linger
                throw e;
            }
            LOG.info("Gateway's /ops, /api/ops/summary and /metrics on http://{}:{}", host, management.port());
        }
        return this;
    }

    public int port() {
        return app.port();
    }

    /** Every route this gateway serves, "METHOD /path" with Javalin's {param} syntax, on both listeners. */
    public List<String> routes() {
        List<String> routes = new ArrayList<>();
        for (Javalin listener : management == null ? List.of(app) : List.of(app, management)) {
            listener.unsafe.internalRouter.allHttpHandlers().stream()
                    .filter(parsed -> parsed.endpoint.method.isHttpMethod()) // not the before-handlers
                    .forEach(parsed -> routes.add(parsed.endpoint.method.name() + " " + parsed.endpoint.path));
        }
        return routes;
    }

    @Override
    public void close() {
        app.stop();
        if (management != null) {
            management.stop();
        }
        batches.close();
        identity.close();
        rates.close();
    }
}
