package io.couponissuer.writer;

import java.util.List;

/**
 * What one database transaction did with a list of coupons.
 *
 * @param inserted       rows that are new in the table
 * @param alreadyPresent coupons the table already held, identical (re-delivery): nothing to do
 * @param refused        coupons the database refuses for good, by their index in the input list
 */
public record WriteResult(int inserted, int alreadyPresent, List<Refused> refused) {
    public WriteResult {
        refused = List.copyOf(refused);
    }

    /** @param reason a {@link CouponRefusedException} or the {@link java.sql.SQLException} that refused the row */
    public record Refused(int index, Exception reason) {
    }
}
