package io.couponissuer.gateway.identity;

/** Why a request's token gives no user; the gateway turns the reason into its answer. */
public final class TokenRejectedException extends RuntimeException {
    /** Each reason is answered differently: 401, 403 or 503. */
    public enum Reason {
        /** No {@code Authorization: Bearer} header. */
        MISSING,
        /** Not a JWT, a bad signature, an unknown key, a refused algorithm, a wrong iss/aud, expired... */
        INVALID,
        /** A valid token whose user claim is not a valid userId. */
        USER_NOT_AN_ID,
        /** The issuer's keys cannot be fetched now: not the caller's fault. */
        KEYS_UNAVAILABLE
    }

    private final Reason reason;

    TokenRejectedException(Reason reason, String message) {
        super(message, null, false, false); // rejections are routine: no stack trace to fill
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
