package io.couponissuer.tools.bench;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.tools.judge.CouponRow;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The writer's {@code coupon} table, read for one run's events only (other runs share the table). */
final class CouponTable implements AutoCloseable {
    private final Connection connection;

    CouponTable(Settings settings, String jdbcUrl) throws SQLException {
        this.connection = DriverManager.getConnection(jdbcUrl, settings.get(Setting.COUPON_JDBC_USER),
                settings.get(Setting.COUPON_JDBC_PASSWORD));
    }

    long count(List<String> eventIds) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT count(*) FROM coupon WHERE event_id = ANY(?)")) {
            statement.setArray(1, array(eventIds));
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /** Polls until the table holds {@code expected} rows of the events, or the deadline passes. */
    void awaitCount(List<String> eventIds, long expected, long deadlineNanos) throws SQLException, InterruptedException {
        while (System.nanoTime() < deadlineNanos && count(eventIds) < expected) {
            Thread.sleep(20);
        }
    }

    /**
     * When the last row of the events was stored: the latest {@code persisted_at}, which the database
     * sets to the start of the writer's transaction (the writer's transactions are one short batch, so
     * this is close to the commit). Null when there are no rows.
     */
    Instant lastPersisted(List<String> eventIds) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT max(persisted_at) FROM coupon WHERE event_id = ANY(?)")) {
            statement.setArray(1, array(eventIds));
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                Timestamp last = result.getTimestamp(1);
                return last == null ? null : last.toInstant();
            }
        }
    }

    List<CouponRow> rows(List<String> eventIds) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT coupon_id, event_id, user_id, seq, request_id FROM coupon WHERE event_id = ANY(?)")) {
            statement.setArray(1, array(eventIds));
            List<CouponRow> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(new CouponRow(result.getString(1), result.getString(2), result.getString(3),
                            result.getLong(4), result.getString(5)));
                }
            }
            return rows;
        }
    }

    private Array array(List<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray());
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
