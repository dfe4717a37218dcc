package io.couponissuer.writer;

import io.couponissuer.db.CouponDataSource;
import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.health.HealthCheck;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.testing.TcpProxy;
import io.couponissuer.testing.TestDatabase;
import io.couponissuer.testing.WriterMeters;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** PostgreSQL taken away (through a proxy) and given back, without Kafka: pool, repository, writer start-up. */
class WriterDatabaseOutageIT {
    @RegisterExtension
    static final TestDatabase database = TestDatabase.perClass();
    @RegisterExtension
    static final TcpProxy proxy = TcpProxy.perClass("127.0.0.1", 5432);

    private static Settings throughProxy() {
        return database.settings()
                .with(Setting.COUPON_JDBC_URL, database.jdbcUrl(proxy.hostPort()))
                .with(Setting.COUPON_JDBC_TIMEOUT_MS, 1000)
                .with(Setting.COUPON_WRITER_RETRY_INITIAL_MS, 50)
                .with(Setting.COUPON_WRITER_RETRY_MAX_MS, 500)
                // No broker is needed until the schema is in place; the consumer only connects on poll.
                .with(Setting.KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:1");
    }

    @Test
    void aCutConnectionIsATransientFailureAndTheSameBatchLandsOnceAfterwards() throws Exception {
        try (HikariDataSource dataSource = CouponDataSource.create(throughProxy(), "outage-test")) {
            new SchemaMigrator(dataSource).migrate();
            CouponRepository repository = new CouponRepository(dataSource);
            List<CouponIssued> batch = IntStream.rangeClosed(1, 50)
                    .mapToObj(i -> new CouponIssued("o-" + i, "o", "u" + i, "r" + i, i, Instant.parse("2026-11-25T10:00:00Z")))
                    .toList();
            repository.write(batch.subList(0, 10));

            proxy.cut();
            SQLException failure = catchSql(() -> repository.write(batch));
            assertThat(DatabaseErrors.refusesData(failure)).as(DatabaseErrors.describe(failure)).isFalse();
            proxy.restore();

            // The pool may still hold a connection the cut killed: the first use after the restore can
            // fail, with a connection error again, which the writer retries like any other.
            WriteResult result = null;
            for (int attempt = 0; result == null; attempt++) {
                try {
                    result = repository.write(batch);
                } catch (SQLException e) {
                    assertThat(DatabaseErrors.refusesData(e)).isFalse();
                    assertThat(attempt).as("attempts after the restore").isLessThan(3);
                }
            }
            assertThat(result).isEqualTo(new WriteResult(40, 10, List.of()));
            assertThat(database.count("SELECT count(*) FROM coupon WHERE event_id = 'o'")).isEqualTo(50);
        } finally {
            proxy.restore();
        }
    }

    @Test
    void theWriterStartsWithTheDatabaseDownSaysWhichAndBecomesReadyWhenItComesBack() throws Exception {
        proxy.cut();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Settings settings = throughProxy();
        CouponWriter writer = new CouponWriter(settings, CouponDataSource.create(settings, "writer-test"), registry);
        try {
            writer.start();
            HealthCheck.Result down = awaitStatus(writer, false, Duration.ofSeconds(10));
            assertThat(down.reason()).contains(database.jdbcUrl(proxy.hostPort())).contains("unreachable");
            assertThat(WriterMeters.databaseConnected(registry)).isFalse();
            Thread.sleep(1500);
            assertThat(registry.get("coupon.writer.retries").counter().count()).isGreaterThanOrEqualTo(2);

            proxy.restore();
            awaitStatus(writer, true, Duration.ofSeconds(15));
            assertThat(WriterMeters.databaseConnected(registry)).isTrue();
            assertThat(database.count("SELECT count(*) FROM flyway_schema_history WHERE success")).isEqualTo(1);
        } finally {
            proxy.restore();
            writer.close();
        }
        assertThat(writer.health().check().reason()).isEqualTo("stopped");
    }

    private static HealthCheck.Result awaitStatus(CouponWriter writer, boolean ready, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HealthCheck.Result status = writer.health().check();
        while (status.ready() != ready || status.reason().startsWith("starting") || status.reason().equals("not started")) {
            assertThat(System.nanoTime() - deadline).as("writer health still %s", status).isNegative();
            Thread.sleep(50);
            status = writer.health().check();
        }
        return status;
    }

    interface SqlAction {
        void run() throws SQLException;
    }

    private static SQLException catchSql(SqlAction action) {
        try {
            action.run();
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("expected an SQLException");
    }
}
