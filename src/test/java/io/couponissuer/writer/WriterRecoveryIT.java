package io.couponissuer.writer;

import io.couponissuer.db.CouponDataSource;
import com.zaxxer.hikari.HikariDataSource;
import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.testing.KafkaBrokerExtension;
import io.couponissuer.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static io.couponissuer.writer.IssuedCoupons.await;
import static io.couponissuer.writer.IssuedCoupons.coupons;
import static io.couponissuer.writer.IssuedCoupons.produce;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An error nobody planned for (here: a RuntimeException out of the connection pool, as a bug
 * would throw) does not end the writer: it rewinds to its committed offsets, backs off and goes
 * on, and every coupon still lands exactly once.
 */
class WriterRecoveryIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(3);
    @RegisterExtension
    static final TestDatabase database = TestDatabase.perClass();

    /** A DataSource that throws an unchecked error on the next {@code failures} connection requests. */
    static DataSource failingOnDemand(DataSource delegate, AtomicInteger failures) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[]{DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        throw new IllegalStateException("simulated bug in the connection path");
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }


    @Test
    void anUnexpectedErrorIsRecoveredFromWithoutLossOrDuplicates() throws Exception {
        Settings settings = KAFKA.settings()
                .with(Setting.COUPON_JDBC_URL, database.jdbcUrl())
                .with(Setting.COUPON_WRITER_GROUP_ID, "recovery-writer")
                .with(Setting.COUPON_WRITER_BATCH_SIZE, 40)
                .with(Setting.COUPON_WRITER_RETRY_INITIAL_MS, 50)
                .with(Setting.COUPON_WRITER_RETRY_MAX_MS, 500);
        AtomicInteger failures = new AtomicInteger();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (HikariDataSource pool = CouponDataSource.create(settings, "it-recovery");
             CouponWriter writer = new CouponWriter(settings, failingOnDemand(pool, failures), registry)) {
            writer.start();
            produce(settings, coupons("rec", 1, 60), true);
            await("first 60 rows", Duration.ofSeconds(60), () -> database.rows("SELECT count(*) FROM coupon") == 60);

            failures.set(3);
            produce(settings, coupons("rec", 61, 200), true);
            await("all 200 rows", Duration.ofSeconds(60), () -> database.rows("SELECT count(*) FROM coupon") == 200);
            await("ready again", Duration.ofSeconds(10), () -> writer.health().check().ready());

            assertThat(failures).as("every simulated failure was hit").hasValue(0);
            assertThat(registry.get("coupon.writer.retries").counter().count()).isGreaterThanOrEqualTo(3);
            assertThat(database.rows("SELECT count(DISTINCT coupon_id) FROM coupon")).isEqualTo(200);
            assertThat(registry.get("coupon.writer.rows").tag("result", "inserted").counter().count()).isEqualTo(200);
        }
    }
}
