package io.couponissuer.testing;

import io.couponissuer.CouponSystem;
import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.tools.local.cluster.FreePort;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.UUID;

/**
 * The whole system in this JVM, every role (as {@code dev} runs it, without the broker), on a test's
 * broker and database: the gateway on a free port, the issuer on a port of its own (the gateway asks
 * it), a state directory of its own. A test starts it in {@code @BeforeAll} and closes it in
 * {@code @AfterAll}; {@link #startWriterAlone} adds a writer process of its own beside it.
 */
public final class InProcessSystem implements AutoCloseable {
    private final Settings settings;
    private final CouponSystem system;

    private InProcessSystem(Settings settings, CouponSystem system) {
        this.settings = settings;
        this.system = system;
    }

    /**
     * @param settings the broker's ({@link KafkaBrokerExtension#settings()}) with the database's URL and
     *                 whatever the test sets; the ports and the state directory are added here
     */
    public static InProcessSystem start(Settings settings) {
        Settings own = settings
                .with(Setting.COUPON_HTTP_PORT, 0)
                // The tests' load comes from one address and stands for many users: no per-client rate.
                .with(Setting.COUPON_GATEWAY_CLIENT_RATE, 0)
                .with(Setting.COUPON_ISSUER_HTTP_PORT, FreePort.next())
                .with(Setting.COUPON_STATE_DIR, Path.of("target", "it-streams", UUID.randomUUID().toString()).toAbsolutePath());
        return new InProcessSystem(own, CouponSystem.start(own, EnumSet.allOf(CouponSystem.Role.class)));
    }

    /** {@link #start} on this database with this admin token, returned once every readiness check passes. */
    public static InProcessSystem startReady(Settings settings, TestDatabase database, String adminToken) {
        InProcessSystem system = start(settings.with(Setting.COUPON_JDBC_URL, database.jdbcUrl())
                .with(Setting.COUPON_ADMIN_TOKEN, adminToken));
        try {
            EveryCheckReady.await(system.gatewayUrl() + "/health/ready", adminToken, java.time.Duration.ofSeconds(60));
        } catch (RuntimeException | Error e) {
            system.close();
            throw e;
        }
        return system;
    }

    /** The settings it runs with, ports included. */
    public Settings settings() {
        return settings;
    }

    /** The running roles (their metrics registry, for a test that reads a counter). */
    public CouponSystem system() {
        return system;
    }

    public String gatewayUrl() {
        return "http://127.0.0.1:" + system.gatewayPort();
    }

    /** The issuer's own HTTP server, which gates on the issuer alone. */
    public String issuerUrl() {
        return "http://127.0.0.1:" + settings.getInt(Setting.COUPON_ISSUER_HTTP_PORT);
    }

    /**
     * A writer process of its own (role WRITER alone) on the same settings, in consumer group
     * {@code groupId} so it takes nothing from the system's writer, serving health and metrics on a
     * free port; the caller closes it.
     */
    public WriterAlone startWriterAlone(String groupId) {
        int port = FreePort.next();
        Settings writerOnly = settings.with(Setting.COUPON_WRITER_HTTP_PORT, port)
                .with(Setting.COUPON_WRITER_GROUP_ID, groupId);
        return new WriterAlone(CouponSystem.start(writerOnly, EnumSet.of(CouponSystem.Role.WRITER)),
                "http://127.0.0.1:" + port);
    }

    /** A writer started by {@link #startWriterAlone}, and the base URL of its health server. */
    public record WriterAlone(CouponSystem system, String url) implements AutoCloseable {
        @Override
        public void close() {
            system.close();
        }
    }

    @Override
    public void close() {
        system.close();
    }
}
