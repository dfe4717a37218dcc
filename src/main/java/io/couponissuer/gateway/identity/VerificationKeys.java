package io.couponissuer.gateway.identity;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Path;
import java.text.ParseException;

/** The public keys tokens are verified with: the issuer's JWKS URL, or a JWKS file. */
final class VerificationKeys implements Closeable {
    private static final long CACHE_TTL_MS = JWKSourceBuilder.DEFAULT_CACHE_TIME_TO_LIVE;

    private final JWKSource<SecurityContext> source;
    /** null for a file. */
    private final FetchRecordingJwkSetSource fetches;

    private VerificationKeys(JWKSource<SecurityContext> source, FetchRecordingJwkSetSource fetches) {
        this.source = source;
        this.fetches = fetches;
    }

    static VerificationKeys of(JwtSettings settings) {
        return settings.jwksUrl() != null ? remote(settings.jwksUrl()) : file(settings.jwksFile());
    }

    /**
     * Nimbus' remote source: cached for 5 minutes and refreshed ahead of expiry, fetched again when a
     * token names a kid the cache lacks (a rotated key is accepted without a restart), and at most two
     * fetches per 30 s, so random kids cannot make the gateway hammer the issuer's JWKS endpoint.
     * Fetches time out after 500 ms and read at most 50 KiB.
     */
    static VerificationKeys remote(URL url) {
        FetchRecordingJwkSetSource fetches = new FetchRecordingJwkSetSource(new URLBasedJWKSetSource<>(url,
                new DefaultResourceRetriever(JWKSourceBuilder.DEFAULT_HTTP_CONNECT_TIMEOUT,
                        JWKSourceBuilder.DEFAULT_HTTP_READ_TIMEOUT, JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT)));
        return new VerificationKeys(JWKSourceBuilder.create(fetches)
                .cache(CACHE_TTL_MS, JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                .refreshAheadCache(true)
                .rateLimited(JWKSourceBuilder.DEFAULT_RATE_LIMIT_MIN_INTERVAL)
                .build(), fetches);
    }

    /** Read once at start-up; a rotation means a restart. Private parts, if any, are dropped. */
    static VerificationKeys file(Path path) {
        try {
            return new VerificationKeys(new ImmutableJWKSet<>(JWKSet.load(path.toFile()).toPublicJWKSet()), null);
        } catch (IOException e) {
            throw new UncheckedIOException("COUPON_JWT_JWKS_FILE " + path + " cannot be read", e);
        } catch (ParseException e) {
            throw new IllegalArgumentException("COUPON_JWT_JWKS_FILE " + path + " is not a JWK set: " + e.getMessage(), e);
        }
    }

    JWKSource<SecurityContext> source() {
        return source;
    }

    /** Whether the keys in hand are current: a file's always, a URL's when fetched within the cache's lifetime. */
    boolean current() {
        return fetches == null || fetches.fetchedWithin(CACHE_TTL_MS);
    }

    /** Stops the remote source's refresh threads. */
    @Override
    public void close() {
        if (source instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
