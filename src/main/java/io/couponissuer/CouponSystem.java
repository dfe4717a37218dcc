package io.couponissuer;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.gateway.CommandPublisher;
import io.couponissuer.gateway.DecisionWaiter;
import io.couponissuer.gateway.EdgeRejections;
import io.couponissuer.kafka.CommittedEvents;
import io.couponissuer.kafka.RecordKeyFile;
import io.couponissuer.gateway.GatewayServer;
import io.couponissuer.health.HealthAndMetricsRoutes;
import io.couponissuer.health.KafkaConnectivity;
import io.couponissuer.health.Readiness;
import io.couponissuer.health.RoleChecks;
import io.couponissuer.issuer.CouponIssuer;
import io.couponissuer.json.Json;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.TopicSetup;
import io.couponissuer.ops.EventMetrics;
import io.couponissuer.ops.OpsMonitor;
import io.couponissuer.ops.OpsPage;
import io.couponissuer.ops.lag.LagMetrics;
import io.couponissuer.ops.lag.LagMonitor;
import io.couponissuer.ops.lag.MonitoredGroup;
import io.couponissuer.ops.lag.OffsetsReader;
import io.couponissuer.ops.lag.SpreadEventPartitions;
import io.couponissuer.ops.transactions.HangingTransactionFinder;
import io.couponissuer.ops.transactions.HangingTransactionGuard;
import io.couponissuer.query.AnswerStreams;
import io.couponissuer.query.FailoverIssuerQueries;
import io.couponissuer.query.StreamedIssuerQueries;
import io.couponissuer.query.InstanceSecret;
import io.couponissuer.query.IssuerQueries;
import io.couponissuer.query.IssuerStoreRoutes;
import io.couponissuer.db.CouponDataSource;
import io.couponissuer.db.CouponLedgerReader;
import io.couponissuer.writer.CouponWriter;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Starts the chosen roles in this process against the configured Kafka and PostgreSQL, and stops
 * them in reverse order. {@code all} and {@code dev} run every role; a real cluster runs each role
 * as its own process and scales by starting more of them.
 */
public final class CouponSystem implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CouponSystem.class);

    public enum Role { ISSUER, WRITER, GATEWAY }

    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private CouponIssuer issuer;
    private HangingTransactionGuard transactions;
    private RoleChecks issuerChecks;
    private RoleChecks writerChecks;
    private GatewayServer gateway;

    private CouponSystem() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        running.push(gc);
    }

    public static CouponSystem start(Settings settings, Set<Role> roles) {
        CouponSystem system = new CouponSystem();
        try {
            system.startRoles(settings, roles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles));
            return system;
        } catch (RuntimeException e) {
            system.close();
            throw e;
        }
    }

    private void startRoles(Settings given, EnumSet<Role> roles) {
        Settings settings = withRecordKeys(withInstanceSecret(given, roles), roles);
        new TopicSetup(settings).createAll();
        KafkaConnectivity kafka = new KafkaConnectivity(settings).start();
        running.push(kafka);
        if (roles.contains(Role.ISSUER)) {
            startIssuer(settings, kafka);
        }
        if (roles.contains(Role.WRITER)) {
            startWriter(settings, kafka);
            if (!roles.contains(Role.GATEWAY)) {
                // Without the gateway nothing else serves the writer's health and metrics.
                startOpsServer(settings.get(Setting.COUPON_HTTP_HOST), settings.getInt(Setting.COUPON_WRITER_HTTP_PORT),
                        Readiness.of(writerChecks),
                        cfg -> { }, "Writer health and metrics");
            }
        }
        if (roles.contains(Role.GATEWAY)) {
            startGateway(settings, kafka);
        }
    }

    /**
     * Gateways and issuers show each other COUPON_INSTANCE_SECRET. A process running both (dev, all)
     * may make one up, since its gateway asks its own issuer in-process and only the issuer's forwarding
     * to other instances would need it; a gateway or an issuer on its own cannot guess the others'.
     */
    private static Settings withInstanceSecret(Settings settings, EnumSet<Role> roles) {
        if (!settings.get(Setting.COUPON_INSTANCE_SECRET).isBlank()
                || !(roles.contains(Role.ISSUER) || roles.contains(Role.GATEWAY))) {
            return settings;
        }
        if (roles.contains(Role.ISSUER) && roles.contains(Role.GATEWAY)) {
            LOG.info("COUPON_INSTANCE_SECRET is empty: using a random one (set it to run more issuer instances "
                    + "beside this one)");
            return settings.with(Setting.COUPON_INSTANCE_SECRET, InstanceSecret.random());
        }
        throw new IllegalArgumentException("COUPON_INSTANCE_SECRET must be set for a separate "
                + (roles.contains(Role.ISSUER) ? "issuer" : "gateway")
                + ": the same value on every gateway and issuer (the issuers' /internal routes refuse anyone without it)");
    }

    /**
     * Gateways and issuers authenticate the records only they may write with COUPON_RECORD_KEYS. A process
     * running both keeps its own key in its state directory: a key made up anew at every start would
     * refuse the records an earlier run signed and left uncommitted, which a restart replays.
     */
    private static Settings withRecordKeys(Settings settings, EnumSet<Role> roles) {
        if (!settings.get(Setting.COUPON_RECORD_KEYS).isBlank()
                || !(roles.contains(Role.ISSUER) || roles.contains(Role.GATEWAY))) {
            return settings;
        }
        if (roles.contains(Role.ISSUER) && roles.contains(Role.GATEWAY)) {
            return settings.with(Setting.COUPON_RECORD_KEYS,
                    RecordKeyFile.loadOrCreate(settings.getPath(Setting.COUPON_STATE_DIR).resolve(RecordKeyFile.NAME)));
        }
        throw new IllegalArgumentException("COUPON_RECORD_KEYS must be set for a separate "
                + (roles.contains(Role.ISSUER) ? "issuer" : "gateway")
                + ": the same keys on every gateway and issuer (the issuer refuses definitions, claims and notices without them)");
    }

    private void startIssuer(Settings settings, KafkaConnectivity kafka) {
        // Before the issuer: a hanging transaction left by a crash blocks its restore, and is found meanwhile.
        transactions = new HangingTransactionGuard(settings, registry, Clock.systemUTC()).start();
        running.push(transactions);
        InstanceSecret secret = InstanceSecret.of(settings.get(Setting.COUPON_INSTANCE_SECRET));
        issuer = new CouponIssuer(settings, registry, secret);
        running.push(issuer);
        IssuerStoreRoutes storeRoutes = new IssuerStoreRoutes(issuer.queries(), issuer.queries().localOnly(), issuer.answers(),
                secret);
        issuerChecks = new RoleChecks("issuer", List.of(kafka, issuer.health(), transactions.health()));
        startOpsServer(settings.get(Setting.COUPON_ISSUER_HTTP_HOST), settings.getInt(Setting.COUPON_ISSUER_HTTP_PORT),
                Readiness.of(issuerChecks), storeRoutes::register, "Issuer stores, health and metrics");
        issuer.start();
    }

    /** An HTTP server with health and metrics (and the given routes), stopped with the system. */
    private void startOpsServer(String host, int port, Readiness readiness, Consumer<JavalinConfig> routes,
                                String what) {
        Javalin server = Javalin.create(cfg -> {
            cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            cfg.startup.showJavalinBanner = false;
            routes.accept(cfg);
            HealthAndMetricsRoutes.register(cfg, readiness, registry);
        });
        server.start(host, port);
        running.push(server::stop);
        LOG.info("{} on port {}", what, server.port());
    }

    private void startWriter(Settings settings, KafkaConnectivity kafka) {
        HikariDataSource dataSource = CouponDataSource.create(settings, "coupon-writer");
        running.push(dataSource);
        CouponWriter writer = new CouponWriter(settings, dataSource, registry);
        running.push(writer);
        writer.start();
        writerChecks = new RoleChecks("writer", List.of(kafka, writer.health()));
    }

    private void startGateway(Settings settings, KafkaConnectivity kafka) {
        // The API needs only the broker: it accepts applications while an issuer restores (status
        // queries answer 503 meanwhile) and while the writer is cut off its database. The roles this
        // process also runs (dev, all) are listed on its readiness without gating it.
        Readiness readiness = new Readiness(new RoleChecks("gateway", List.of(kafka)),
                Stream.of(issuerChecks, writerChecks).filter(Objects::nonNull).toList());
        DecisionWaiter waiter = new DecisionWaiter(settings);
        running.push(waiter);
        waiter.start();
        IssuerQueries queries = issuer != null ? issuer.queries() : remoteIssuers(settings, waiter);
        CommandPublisher publisher = new CommandPublisher(settings);
        running.push(publisher);
        CommittedEvents definitions = new CommittedEvents(settings, "coupon-gateway-definitions");
        running.push(definitions);
        definitions.start();
        EdgeRejections edgeRejections = new EdgeRejections(settings, waiter.id(), registry);
        running.push(edgeRejections);
        OpsMonitor ops = new OpsMonitor(
                new LagMonitor(MonitoredGroup.of(settings), new OffsetsReader(settings, Clock.systemUTC(), Duration.ofSeconds(5)),
                        Duration.ofMillis(settings.getInt(Setting.COUPON_LAG_WINDOW_MS)),
                        transactions != null ? transactions.view()
                                : HangingTransactionFinder.forSystem(Admin.create(ClientConfigs.admin(settings)), settings,
                                        Duration.ofMillis(settings.getInt(Setting.COUPON_HANGING_TXN_CHECK_MS)), Clock.systemUTC()),
                        settings.get(Setting.KAFKA_BOOTSTRAP_SERVERS), Clock.systemUTC(), new SpreadEventPartitions(settings)),
                queries, settings.get(Setting.COUPON_APPLICATION_ID), settings.get(Setting.COUPON_WRITER_GROUP_ID),
                new LagMetrics(registry), new EventMetrics(registry, Duration.ofMillis(settings.getInt(Setting.COUPON_EVENT_METRICS_RETENTION_MS)), Clock.systemUTC()),
                Duration.ofMillis(settings.getInt(Setting.COUPON_LAG_INTERVAL_MS)), Clock.systemUTC()).start();
        running.push(ops);
        // Its own small pool: it only reads the winners (GET /api/events/{id}/coupons), and starts without the database.
        HikariDataSource ledger = CouponDataSource.forOccasionalReads(settings, "coupon-gateway");
        running.push(ledger);
        gateway = new GatewayServer(settings, publisher, waiter, definitions, edgeRejections, queries, new CouponLedgerReader(ledger), readiness,
                registry, Clock.systemUTC(),
                new OpsPage(ops::summary)::register).start();
        running.push(gateway);
    }

    /**
     * The issuers of a gateway of its own: store questions over HTTP, and one stream of answers from
     * each instance for the clients that wait (docs/architecture.md#answers-before-the-commit).
     */
    private IssuerQueries remoteIssuers(Settings settings, DecisionWaiter waiter) {
        InstanceSecret secret = InstanceSecret.of(settings.get(Setting.COUPON_INSTANCE_SECRET));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        String urls = settings.get(Setting.COUPON_ISSUER_URL);
        AnswerStreams answers = new AnswerStreams(http, FailoverIssuerQueries.urls(urls), secret,
                new String(waiter.id(), StandardCharsets.UTF_8)).start();
        running.push(answers);
        return new StreamedIssuerQueries(FailoverIssuerQueries.overHttp(http, urls, secret), answers);
    }

    public int gatewayPort() {
        if (gateway == null) {
            throw new IllegalStateException("no gateway in this process");
        }
        return gateway.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        while (!running.isEmpty()) {
            AutoCloseable part = running.pop();
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("Error while stopping {}: {}", part, e.toString());
            }
        }
    }
}
