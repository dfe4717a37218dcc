package io.couponissuer.gateway.identity;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Path;
import java.text.ParseException;

/** The public keys tokens are verified with: the issuer's JWKS URL, or a JWKS file. */
final class VerificationKeys {
    private VerificationKeys() {
    }

    static JWKSource<SecurityContext> of(JwtSettings settings) {
        return settings.jwksUrl() != null ? remote(settings.jwksUrl()) : file(settings.jwksFile());
    }

    /**
     * Nimbus' remote source: cached for 5 minutes and refreshed ahead of expiry, fetched again when a
     * token names a kid the cache lacks (a rotated key is accepted without a restart), and at most two
     * fetches per 30 s, so random kids cannot make the gateway hammer the issuer's JWKS endpoint.
     * Fetches time out after 500 ms and read at most 50 KiB.
     */
    static JWKSource<SecurityContext> remote(URL url) {
        return JWKSourceBuilder.<SecurityContext>create(url)
                .cache(JWKSourceBuilder.DEFAULT_CACHE_TIME_TO_LIVE, JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                .refreshAheadCache(true)
                .rateLimited(JWKSourceBuilder.DEFAULT_RATE_LIMIT_MIN_INTERVAL)
                .build();
    }

    /** Read once at start-up; a rotation means a restart. Private parts, if any, are dropped. */
    static JWKSource<SecurityContext> file(Path path) {
        try {
            return new ImmutableJWKSet<>(JWKSet.load(path.toFile()).toPublicJWKSet());
        } catch (IOException e) {
            throw new UncheckedIOException("COUPON_JWT_JWKS_FILE " + path + " cannot be read", e);
        } catch (ParseException e) {
            throw new IllegalArgumentException("COUPON_JWT_JWKS_FILE " + path + " is not a JWK set: " + e.getMessage(), e);
        }
    }
}
