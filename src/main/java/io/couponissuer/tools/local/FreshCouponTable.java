package io.couponissuer.tools.local;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.db.CouponDataSource;
import io.couponissuer.writer.SchemaMigrator;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * {@code dev --fresh} empties the coupon table as well as the broker: coupon ids are
 * {@code <eventId>-<seq>}, so a fresh broker mints ids that rows of the old one already hold, and
 * the writer would refuse every one of them. Only dev does this, on the database it is pointed at.
 */
final class FreshCouponTable {
    private FreshCouponTable() {
    }

    /** Brings the schema up to date and deletes every coupon row; returns how many there were. */
    static int empty(Settings settings) {
        String url = settings.get(Setting.COUPON_JDBC_URL);
        try (HikariDataSource dataSource = CouponDataSource.create(settings, "coupon-dev-fresh")) {
            new SchemaMigrator(dataSource).migrate();
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                int removed = statement.executeUpdate("DELETE FROM coupon");
                connection.commit();
                return removed;
            }
        } catch (SQLException | RuntimeException e) {
            throw new IllegalStateException("--fresh could not empty the coupon table at " + url + ": " + e.getMessage()
                    + " (is PostgreSQL running? see README)", e);
        }
    }
}
