package io.couponissuer.gateway;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.gateway.identity.IdentityMode;
import io.couponissuer.gateway.identity.JwtSettings;
import io.couponissuer.gateway.identity.JwtVerifier;
import io.couponissuer.gateway.identity.TokenRejectedException;
import io.javalin.http.Context;

/**
 * The identity mode of the application routes (COUPON_IDENTITY_MODE): the {@link Caller} of a request,
 * or the 401/403/503 that says why there is none. Admin routes keep their own token ({@link AdminAuth}).
 */
final class CallerIdentity implements AutoCloseable {
    private static final Caller UPSTREAM = new Caller.VouchedByUpstream();
    /** The request attribute that holds the caller once its token was verified. */
    private static final String VERIFIED = "coupon.verified-caller";
    /** null in trusted-upstream mode. */
    private final JwtVerifier verifier;

    CallerIdentity(JwtVerifier verifier) {
        this.verifier = verifier;
    }

    /** Fails (IllegalArgumentException) on an unknown mode or an incomplete jwt setup: better than a gateway that starts open. */
    static CallerIdentity from(Settings settings) {
        IdentityMode mode = IdentityMode.of(settings.get(Setting.COUPON_IDENTITY_MODE));
        return new CallerIdentity(mode == IdentityMode.JWT ? new JwtVerifier(JwtSettings.from(settings)) : null);
    }

    /**
     * The user of a valid bearer token the request carries (jwt mode), else null: a rate limit counts
     * such a request against that user wherever it comes from. Verified once per request: the route's
     * {@link #caller} takes the answer from here.
     */
    String tokenUser(Context ctx) {
        if (verifier == null || ctx.header("Authorization") == null) {
            return null;
        }
        try {
            Caller.TokenUser user = new Caller.TokenUser(verifier.userId(ctx.header("Authorization")));
            ctx.attribute(VERIFIED, user);
            return user.userId();
        } catch (TokenRejectedException e) {
            return null; // the route answers it, if the route needs a token
        }
    }

    Caller caller(Context ctx) {
        if (verifier == null) {
            return UPSTREAM;
        }
        Caller.TokenUser verified = ctx.attribute(VERIFIED);
        if (verified != null) {
            return verified;
        }
        try {
            return new Caller.TokenUser(verifier.userId(ctx.header("Authorization")));
        } catch (TokenRejectedException e) {
            throw switch (e.reason()) {
                case MISSING, INVALID -> {
                    ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                    yield new ApiException(401, "invalid_token", e.getMessage(), null);
                }
                case USER_NOT_AN_ID -> new ApiException(403, "invalid_user_claim", e.getMessage(), null);
                case KEYS_UNAVAILABLE -> new ApiException(503, "identity_unavailable", e.getMessage(), null);
            };
        }
    }

    @Override
    public void close() {
        if (verifier != null) {
            verifier.close();
        }
    }
}
