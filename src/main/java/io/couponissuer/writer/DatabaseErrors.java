package io.couponissuer.writer;

import java.sql.SQLException;

/**
 * Sorts database failures into "the database refuses this data for good" and everything else.
 *
 * <p>Only SQLState classes 22 (data exception) and 23 (integrity constraint violation) refuse the
 * data itself: retrying the same row can never succeed, so the row goes to {@code coupon.failed}.
 * Everything else — class 08 (connection), 57P0x (shutdown), 53 (resources), 40001/40P01
 * (serialization, deadlock), 55P03 (lock), but also a missing table or a permission problem — is a
 * fault of the database or its setup, not of the coupon: the writer backs off and retries, skipping
 * nothing, rather than flooding the failed topic with good coupons during an incident.
 */
public final class DatabaseErrors {
    private DatabaseErrors() {
    }

    public static boolean refusesData(SQLException error) {
        String state = error.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /** One line for logs and health: SQLState and message, without the driver's multi-line detail. */
    public static String describe(Throwable error) {
        String message = String.valueOf(error.getMessage()).lines().findFirst().orElse("");
        if (error instanceof SQLException sql && sql.getSQLState() != null) {
            return "SQLState " + sql.getSQLState() + ": " + message;
        }
        return error.getClass().getSimpleName() + ": " + message;
    }
}
