package io.couponissuer.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;

/** The connection pool of the coupon table, built from the settings: the writer's, {@code replay}'s, the gateway's. */
public final class CouponDataSource {
    private CouponDataSource() {
    }

    /**
     * A pool that starts even when PostgreSQL is down ({@code initializationFailTimeout=-1}): the
     * writer's own loop reports and retries, instead of the process dying at start.
     */
    public static HikariDataSource create(Settings settings, String poolName) {
        return create(settings, poolName, 1);
    }

    /**
     * A pool that opens no connection until one is asked for: the gateway reads the table only for
     * an admin's list of winners, and must neither wait for nor log about a database it may never need.
     */
    public static HikariDataSource forOccasionalReads(Settings settings, String poolName) {
        return create(settings, poolName, 0);
    }

    private static HikariDataSource create(Settings settings, String poolName, int minimumIdle) {
        int timeoutMs = settings.getInt(Setting.COUPON_JDBC_TIMEOUT_MS);
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setJdbcUrl(settings.get(Setting.COUPON_JDBC_URL));
        config.setUsername(settings.get(Setting.COUPON_JDBC_USER));
        String password = settings.get(Setting.COUPON_JDBC_PASSWORD);
        if (!password.isEmpty()) {
            config.setPassword(password);
        }
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(Math.max(250, timeoutMs));
        config.setValidationTimeout(Math.max(250, Math.min(timeoutMs, 5000)));
        // One poll loop writes one batch at a time; a second connection serves migrations and health.
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(minimumIdle);
        config.setAutoCommit(false);
        // Defaults for the driver; parameters in the JDBC URL win. A socket timeout makes a
        // silently dead connection fail (and be retried) instead of hanging the writer.
        config.addDataSourceProperty("connectTimeout", String.valueOf(Math.max(1, timeoutMs / 1000)));
        config.addDataSourceProperty("socketTimeout", "60");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("ApplicationName", poolName);
        return new HikariDataSource(config);
    }
}
