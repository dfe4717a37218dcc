package io.couponissuer.db;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code coupon} table (the writer's) a page at a time: an event's coupons in seq order,
 * after a seq, and how many of its coupons are stored. Read-only; the unique key (event_id, seq) is
 * the index each page walks.
 */
public final class CouponLedgerReader {
    /** One stored coupon. */
    public record StoredCoupon(long seq, String couponId, String userId, String requestId, Instant issuedAt,
                               Instant persistedAt) {
    }

    /** A page of coupons and the event's stored count, read from one snapshot of the table. */
    public record Page(List<StoredCoupon> coupons, long stored) {
    }

    private final DataSource dataSource;

    public CouponLedgerReader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * At most {@code limit} coupons of the event with a seq above {@code afterSeq}, by seq, and how
     * many the table holds: one connection, one repeatable-read transaction, so the count and the page
     * agree while the writer keeps storing.
     */
    public Page page(String eventId, long afterSeq, int limit) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setReadOnly(true);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                List<StoredCoupon> coupons = new ArrayList<>();
                try (PreparedStatement select = connection.prepareStatement("SELECT seq, coupon_id, user_id, request_id,"
                        + " issued_at, persisted_at FROM coupon WHERE event_id = ? AND seq > ? ORDER BY seq LIMIT ?")) {
                    select.setString(1, eventId);
                    select.setLong(2, afterSeq);
                    select.setInt(3, limit);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            coupons.add(new StoredCoupon(rows.getLong(1), rows.getString(2), rows.getString(3),
                                    rows.getString(4), rows.getTimestamp(5).toInstant(), rows.getTimestamp(6).toInstant()));
                        }
                    }
                }
                try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM coupon WHERE event_id = ?")) {
                    count.setString(1, eventId);
                    try (ResultSet rows = count.executeQuery()) {
                        rows.next();
                        return new Page(coupons, rows.getLong(1));
                    }
                }
            } finally {
                connection.rollback(); // read-only; the pool hands connections out without autocommit
            }
        }
    }
}
