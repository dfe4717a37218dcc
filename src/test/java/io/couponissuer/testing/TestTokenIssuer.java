package io.couponissuer.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real token issuer for the tests: RSA and EC keys, their JWKS served over HTTP on 127.0.0.1 (the
 * JDK's HttpServer; it counts the fetches), and signed tokens. {@link #publish} replaces the served
 * key set, as an issuer rotating its keys does.
 */
public final class TestTokenIssuer implements AutoCloseable {
    public static final String ISSUER = "https://id.example.test";
    public static final String AUDIENCE = "coupon-issuer";

    public final RSAKey rsa = rsaKey("rsa-1");
    public final ECKey ec = ecKey("ec-1");
    private final HttpServer server;
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile boolean failing;
    private volatile JWKSet published = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK()));

    public TestTokenIssuer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            if (failing) {
                exchange.sendResponseHeaders(500, -1);
                exchange.close();
                return;
            }
            byte[] body = published.toString().getBytes(StandardCharsets.UTF_8); // public keys only
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ECKey ecKey(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public URL jwksUrl() {
        try {
            return new URL("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many times the JWKS was fetched so far. */
    public int fetches() {
        return fetches.get();
    }

    /** From now on the JWKS holds these keys' public parts, and no others. */
    public void publish(JWK... keys) {
        published = new JWKSet(List.of(keys)).toPublicJWKSet();
    }

    /** From now on the JWKS endpoint answers 500 (true), or the keys again (false). */
    public void failing(boolean failing) {
        this.failing = failing;
    }

    /** The settings of a gateway that takes users from this issuer's tokens. */
    public Settings jwtMode(Settings base) {
        return base.with(Setting.COUPON_IDENTITY_MODE, "jwt")
                .with(Setting.COUPON_JWT_JWKS_URL, jwksUrl())
                .with(Setting.COUPON_JWT_ISSUER, ISSUER)
                .with(Setting.COUPON_JWT_AUDIENCE, AUDIENCE);
    }

    /** A valid token for {@code subject}, signed with {@code key} (RS256 for RSA, ES256 for EC). */
    public static String token(JWK key, String subject) {
        return token(key, claims -> claims.subject(subject));
    }

    /** A token signed with {@code key}: valid for 5 minutes, then as {@code edit} changes it. */
    public static String token(JWK key, Consumer<JWTClaimsSet.Builder> edit) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
        edit.accept(claims);
        try {
            boolean rsaKey = key instanceof RSAKey;
            JWSSigner signer = rsaKey ? new RSASSASigner((RSAKey) key) : new ECDSASigner((ECKey) key);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(rsaKey ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256)
                    .keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims.build());
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
