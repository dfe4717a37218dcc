package io.couponissuer.writer;

import io.couponissuer.message.CouponIssued;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The {@code coupon} table. {@link #write} stores a list of coupons in one transaction with one
 * {@code INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING}, then tells apart the rows it
 * skipped: identical to a stored row (a re-delivery: fine) or conflicting with one (refused).
 * PostgreSQL keeps timestamps to the microsecond, so {@code issuedAt} is stored and compared at
 * that precision.
 */
public final class CouponRepository {
    private static final String INSERT = """
            INSERT INTO coupon (coupon_id, event_id, user_id, seq, request_id, issued_at)
            SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::timestamptz[])
            ON CONFLICT DO NOTHING
            RETURNING coupon_id""";
    private static final String COLUMNS = "coupon_id, event_id, user_id, request_id, seq, issued_at";
    private static final String SELECT_BY_IDS = "SELECT " + COLUMNS + " FROM coupon WHERE coupon_id = ANY(?)";
    private static final String SELECT_CONFLICTS = "SELECT " + COLUMNS + " FROM coupon"
            + " WHERE coupon_id = ? OR (event_id = ? AND user_id = ?) OR (event_id = ? AND seq = ?)"
            + " ORDER BY coupon_id LIMIT 3";

    private final DataSource dataSource;

    public CouponRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Stores the coupons in one transaction and commits it. A coupon the database refuses does not
     * stop the others: conflicts are found per row, and a batch that fails with a data error
     * (SQLState class 22/23) is retried row by row under savepoints to isolate the bad rows.
     *
     * @throws SQLException a failure that is not about the data (connection, shutdown, deadlock...):
     *                      nothing was committed, retry later
     */
    public WriteResult write(List<CouponIssued> coupons) throws SQLException {
        return inTransaction(coupons, true);
    }

    /** Like {@link #write} but rolls back: what would happen ({@code replay --dry-run}). */
    public WriteResult preview(List<CouponIssued> coupons) throws SQLException {
        return inTransaction(coupons, false);
    }

    public Optional<CouponIssued> find(String couponId) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            try {
                return Optional.ofNullable(selectByIds(connection, List.of(couponId)).get(couponId));
            } finally {
                connection.rollback();
            }
        }
    }

    private WriteResult inTransaction(List<CouponIssued> coupons, boolean commit) throws SQLException {
        if (coupons.isEmpty()) {
            return new WriteResult(0, 0, List.of());
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                WriteResult result;
                try {
                    result = insertAll(connection, coupons);
                } catch (SQLException e) {
                    if (!DatabaseErrors.refusesData(e)) {
                        throw e;
                    }
                    connection.rollback();
                    result = insertOneByOne(connection, coupons);
                }
                if (commit) {
                    connection.commit();
                } else {
                    connection.rollback();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            }
        }
    }

    private WriteResult insertAll(Connection connection, List<CouponIssued> coupons) throws SQLException {
        Set<String> insertedIds = new HashSet<>();
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setArray(1, textArray(connection, coupons, CouponIssued::couponId));
            insert.setArray(2, textArray(connection, coupons, CouponIssued::eventId));
            insert.setArray(3, textArray(connection, coupons, CouponIssued::userId));
            insert.setArray(4, connection.createArrayOf("bigint", coupons.stream().map(CouponIssued::seq).toArray()));
            insert.setArray(5, textArray(connection, coupons, CouponIssued::requestId));
            insert.setArray(6, textArray(connection, coupons, c -> micros(c.issuedAt()).toString()));
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    insertedIds.add(rows.getString(1));
                }
            }
        }
        // A coupon id returned by RETURNING counts once: a second copy in the same batch was skipped.
        int inserted = 0;
        List<Integer> skipped = new ArrayList<>();
        for (int i = 0; i < coupons.size(); i++) {
            if (insertedIds.remove(coupons.get(i).couponId())) {
                inserted++;
            } else {
                skipped.add(i);
            }
        }
        if (skipped.isEmpty()) {
            return new WriteResult(inserted, 0, List.of());
        }
        Map<String, CouponIssued> stored = selectByIds(connection,
                skipped.stream().map(i -> coupons.get(i).couponId()).distinct().toList());
        int alreadyPresent = 0;
        List<WriteResult.Refused> refused = new ArrayList<>();
        for (int i : skipped) {
            CouponIssued coupon = coupons.get(i);
            if (normalized(coupon).equals(stored.get(coupon.couponId()))) {
                alreadyPresent++;
            } else {
                refused.add(new WriteResult.Refused(i, explainConflict(connection, coupon)));
            }
        }
        return new WriteResult(inserted, alreadyPresent, refused);
    }

    private WriteResult insertOneByOne(Connection connection, List<CouponIssued> coupons) throws SQLException {
        int inserted = 0;
        int alreadyPresent = 0;
        List<WriteResult.Refused> refused = new ArrayList<>();
        for (int i = 0; i < coupons.size(); i++) {
            Savepoint savepoint = connection.setSavepoint();
            try {
                WriteResult one = insertAll(connection, List.of(coupons.get(i)));
                inserted += one.inserted();
                alreadyPresent += one.alreadyPresent();
                for (WriteResult.Refused r : one.refused()) {
                    refused.add(new WriteResult.Refused(i, r.reason()));
                }
                connection.releaseSavepoint(savepoint);
            } catch (SQLException e) {
                if (!DatabaseErrors.refusesData(e)) {
                    throw e;
                }
                connection.rollback(savepoint);
                refused.add(new WriteResult.Refused(i, e));
            }
        }
        return new WriteResult(inserted, alreadyPresent, refused);
    }

    private CouponRefusedException explainConflict(Connection connection, CouponIssued coupon) throws SQLException {
        List<String> clashes = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(SELECT_CONFLICTS)) {
            select.setString(1, coupon.couponId());
            select.setString(2, coupon.eventId());
            select.setString(3, coupon.userId());
            select.setString(4, coupon.eventId());
            select.setLong(5, coupon.seq());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    CouponIssued other = read(rows);
                    List<String> keys = new ArrayList<>();
                    if (other.couponId().equals(coupon.couponId())) {
                        keys.add("coupon_id");
                    }
                    if (other.userId().equals(coupon.userId())) {
                        keys.add("(event_id, user_id)");
                    }
                    if (other.seq() == coupon.seq()) {
                        keys.add("(event_id, seq)");
                    }
                    clashes.add("stored coupon " + describe(other) + " on " + String.join(", ", keys));
                }
            }
        }
        String what = clashes.isEmpty() ? "a row written concurrently" : String.join("; ", clashes);
        return new CouponRefusedException("coupon " + describe(coupon) + " conflicts with " + what);
    }

    private static String describe(CouponIssued c) {
        return c.couponId() + " (event " + c.eventId() + ", user " + c.userId() + ", seq " + c.seq()
                + ", request " + c.requestId() + ", issued " + micros(c.issuedAt()) + ")";
    }

    private static Map<String, CouponIssued> selectByIds(Connection connection, List<String> ids) throws SQLException {
        Map<String, CouponIssued> found = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(SELECT_BY_IDS)) {
            select.setArray(1, connection.createArrayOf("text", ids.toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    CouponIssued coupon = read(rows);
                    found.put(coupon.couponId(), coupon);
                }
            }
        }
        return found;
    }

    private static CouponIssued read(ResultSet row) throws SQLException {
        return new CouponIssued(row.getString("coupon_id"), row.getString("event_id"), row.getString("user_id"),
                row.getString("request_id"), row.getLong("seq"),
                row.getObject("issued_at", OffsetDateTime.class).toInstant());
    }

    private static CouponIssued normalized(CouponIssued c) {
        return new CouponIssued(c.couponId(), c.eventId(), c.userId(), c.requestId(), c.seq(), micros(c.issuedAt()));
    }

    private static Instant micros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    private static Array textArray(Connection connection, List<CouponIssued> coupons,
                                   java.util.function.Function<CouponIssued, String> field) throws SQLException {
        return connection.createArrayOf("text", coupons.stream().map(field).toArray());
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
