package io.couponissuer.writer;

/** The database already holds a different coupon for the same (event, user) or (event, seq). */
public final class CouponRefusedException extends Exception {
    public CouponRefusedException(String message) {
        super(message);
    }
}
