package io.couponissuer.gateway.identity;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;

import java.io.IOException;

/**
 * The JWKS fetcher, remembering when it last succeeded: when the rate limit refuses a fetch, that
 * tells a made-up kid (keys fetched recently: 401) from keys the gateway has not got (503).
 */
final class FetchRecordingJwkSetSource implements JWKSetSource<SecurityContext> {
    private final JWKSetSource<SecurityContext> fetcher;
    /** 0: never. */
    private volatile long lastFetchMillis;

    FetchRecordingJwkSetSource(JWKSetSource<SecurityContext> fetcher) {
        this.fetcher = fetcher;
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime, SecurityContext context)
            throws KeySourceException {
        JWKSet keys = fetcher.getJWKSet(refreshEvaluator, currentTime, context);
        lastFetchMillis = System.currentTimeMillis();
        return keys;
    }

    boolean fetchedWithin(long millis) {
        long last = lastFetchMillis;
        return last != 0 && System.currentTimeMillis() - last < millis;
    }

    @Override
    public void close() throws IOException {
        fetcher.close();
    }
}
