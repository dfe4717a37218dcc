package io.couponissuer.tools.local;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code dev --fresh} on a real PostgreSQL: the schema is created if missing and every coupon row goes. */
class FreshCouponTableIT {
    @Test
    void createsTheSchemaOnAnEmptyDatabaseAndEmptiesAFilledTable() throws Exception {
        try (TestDatabase database = TestDatabase.create()) {
            assertThat(FreshCouponTable.empty(database.settings())).isZero();
            database.execute("INSERT INTO coupon (coupon_id, event_id, user_id, seq, request_id, issued_at) VALUES "
                    + "('demo-1', 'demo', 'u-1', 1, 'r-1', now()), ('demo-2', 'demo', 'u-2', 2, 'r-2', now())");

            assertThat(FreshCouponTable.empty(database.settings())).isEqualTo(2);
            assertThat(database.count("SELECT count(*) FROM coupon")).isZero();
        }
    }

    @Test
    void anUnreachableDatabaseIsAClearError() {
        Settings settings = Settings.fromEnvironment()
                .with(Setting.COUPON_JDBC_URL, "jdbc:postgresql://127.0.0.1:1/postgres")
                .with(Setting.COUPON_JDBC_TIMEOUT_MS, "1000");
        assertThatThrownBy(() -> FreshCouponTable.empty(settings)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--fresh could not empty the coupon table at jdbc:postgresql://127.0.0.1:1/postgres");
    }
}
