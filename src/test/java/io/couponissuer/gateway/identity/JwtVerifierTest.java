package io.couponissuer.gateway.identity;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.tools.local.cluster.FreePort;
import io.couponissuer.testing.TestTokenIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.couponissuer.testing.TestTokenIssuer.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The verifier against a real JWKS served over HTTP (TestTokenIssuer): what it accepts, what it
 * refuses and why, key rotation without a restart, and how often random kids make it fetch the keys.
 * Each test gets a verifier of its own (its own key cache and rate limit).
 */
class JwtVerifierTest {
    static TestTokenIssuer issuer;
    final List<JwtVerifier> verifiers = new ArrayList<>();

    @BeforeAll
    static void startIssuer() {
        issuer = new TestTokenIssuer();
    }

    @AfterAll
    static void stopIssuer() {
        issuer.close();
    }

    @AfterEach
    void closeVerifiers() {
        verifiers.forEach(JwtVerifier::close);
        issuer.publish(issuer.rsa, issuer.ec); // undo a rotation
        issuer.failing(false);
    }

    JwtVerifier verifier(Settings settings) {
        JwtVerifier verifier = new JwtVerifier(JwtSettings.from(settings));
        verifiers.add(verifier);
        return verifier;
    }

    JwtVerifier verifier() {
        return verifier(issuer.jwtMode(Settings.from(Map.of())));
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }

    static TokenRejectedException rejection(JwtVerifier verifier, String authorization) {
        try {
            verifier.userId(authorization);
        } catch (TokenRejectedException e) {
            return e;
        }
        throw new AssertionError("accepted: " + authorization);
    }

    static Date secondsFromNow(long seconds) {
        return Date.from(Instant.now().plusSeconds(seconds));
    }

    @Test
    void rs256AndEs256TokensGiveTheirSubject() {
        JwtVerifier verifier = verifier();
        assertThat(verifier.userId(bearer(token(issuer.rsa, "u-rsa")))).isEqualTo("u-rsa");
        assertThat(verifier.userId(bearer(token(issuer.ec, "u-ec")))).isEqualTo("u-ec");
        assertThat(verifier.userId("bearer " + token(issuer.rsa, "u-lower"))).as("the scheme is case-insensitive")
                .isEqualTo("u-lower");
    }

    @Test
    void expiredAndNotYetValidTokensAreRefusedOutsideTheClockSkew() {
        JwtVerifier verifier = verifier(); // skew 30 s
        assertThat(rejection(verifier, bearer(token(issuer.rsa, c -> c.subject("u-1").expirationTime(secondsFromNow(-60))))))
                .satisfies(e -> assertThat(e.reason()).isEqualTo(TokenRejectedException.Reason.INVALID))
                .hasMessageContaining("Expired");
        assertThat(rejection(verifier, bearer(token(issuer.rsa, c -> c.subject("u-1").notBeforeTime(secondsFromNow(120))))))
                .hasMessageContaining("before use time");
        assertThat(verifier.userId(bearer(token(issuer.rsa, c -> c.subject("u-1").expirationTime(secondsFromNow(-10))))))
                .as("expired 10 s ago, within the 30 s skew").isEqualTo("u-1");
        JwtVerifier strict = verifier(issuer.jwtMode(Settings.from(Map.of())).with(Setting.COUPON_JWT_CLOCK_SKEW_S, 0));
        assertThat(rejection(strict, bearer(token(issuer.rsa, c -> c.subject("u-1").expirationTime(secondsFromNow(-10))))))
                .hasMessageContaining("Expired");
        assertThat(rejection(verifier, bearer(token(issuer.rsa, c -> c.subject("u-1").expirationTime(null)))))
                .as("exp is required").hasMessageContaining("exp");
    }

    @Test
    void wrongAudienceOrIssuerIsRefused() {
        JwtVerifier verifier = verifier();
        assertThat(rejection(verifier, bearer(token(issuer.rsa, c -> c.subject("u-1").audience("someone-else")))))
                .hasMessageContaining("aud");
        assertThat(rejection(verifier, bearer(token(issuer.rsa, c -> c.subject("u-1").audience((String) null)))))
                .hasMessageContaining("aud");
        assertThat(rejection(verifier, bearer(token(issuer.rsa, c -> c.subject("u-1").issuer("https://evil.example")))))
                .hasMessageContaining("iss");
        assertThat(rejection(verifier, bearer(token(issuer.rsa, c -> c.subject(null)))))
                .as("no subject").hasMessageContaining("sub");
    }

    @Test
    void aKeyNotInTheJwksIsRefused() {
        JwtVerifier verifier = verifier();
        RSAKey stranger = TestTokenIssuer.rsaKey("stranger");
        assertThat(rejection(verifier, bearer(token(stranger, "u-1")))).hasMessageContaining("no matching key");
        RSAKey impostor = TestTokenIssuer.rsaKey(issuer.rsa.getKeyID()); // the known kid, another key
        assertThat(rejection(verifier, bearer(token(impostor, "u-1")))).hasMessageContaining("Invalid signature");
    }

    @Test
    void algNoneIsRefused() throws Exception {
        JwtVerifier verifier = verifier();
        String claims = validClaims().toPayload().toBase64URL().toString();
        for (String header : List.of("{\"alg\":\"none\"}", "{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"rsa-1\"}",
                "{\"alg\":\"NONE\",\"kid\":\"rsa-1\"}")) {
            String unsigned = Base64URL.encode(header.getBytes(StandardCharsets.UTF_8)) + "." + claims + ".";
            assertThat(rejection(verifier, bearer(unsigned)).reason()).as(header)
                    .isEqualTo(TokenRejectedException.Reason.INVALID);
            // and with the signature of a valid token pasted on
            String pasted = unsigned + token(issuer.rsa, "u-1").split("\\.")[2];
            assertThat(rejection(verifier, bearer(pasted)).reason()).as(header).isEqualTo(TokenRejectedException.Reason.INVALID);
        }
    }

    @Test
    void hs256KeyedWithTheRsaPublicKeyIsRefused() throws Exception {
        JwtVerifier verifier = verifier();
        // The algorithm-confusion attack: the public key (which anyone can fetch) as the HMAC secret,
        // in each encoding a naive verifier might use.
        List<byte[]> secrets = List.of(issuer.rsa.toRSAPublicKey().getEncoded(),
                issuer.rsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8),
                ("-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(
                        issuer.rsa.toRSAPublicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n").getBytes(StandardCharsets.UTF_8));
        for (byte[] secret : secrets) {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(issuer.rsa.getKeyID()).build(),
                    validClaims());
            jwt.sign(new MACSigner(secret));
            assertThat(rejection(verifier, bearer(jwt.serialize())))
                    .satisfies(e -> assertThat(e.reason()).isEqualTo(TokenRejectedException.Reason.INVALID))
                    .hasMessageContaining("Another algorithm expected");
        }
    }

    @Test
    void aRotatedKeyIsAcceptedAfterTheRefreshWithoutARestart() {
        JwtVerifier verifier = verifier();
        assertThat(verifier.userId(bearer(token(issuer.rsa, "u-1")))).isEqualTo("u-1"); // keys cached now
        RSAKey next = TestTokenIssuer.rsaKey("rsa-2");
        issuer.publish(next, issuer.ec); // rsa-1 retired
        int before = issuer.fetches();
        assertThat(verifier.userId(bearer(token(next, "u-2")))).isEqualTo("u-2");
        assertThat(issuer.fetches()).as("one fetch for the unknown kid").isEqualTo(before + 1);
        assertThat(verifier.userId(bearer(token(next, "u-3")))).isEqualTo("u-3");
        assertThat(issuer.fetches()).as("then from the cache").isEqualTo(before + 1);
        assertThat(rejection(verifier, bearer(token(issuer.rsa, "u-1"))).reason()).as("the retired key")
                .isEqualTo(TokenRejectedException.Reason.INVALID);
    }

    @Test
    void randomKidsCannotMakeTheGatewayHammerTheJwksServer() {
        JwtVerifier verifier = verifier();
        int before = issuer.fetches();
        RSAKey made = TestTokenIssuer.rsaKey("made-up"); // the signature never gets looked at: the kid is unknown
        for (int i = 0; i < 50; i++) {
            RSAKey randomKid = new RSAKey.Builder(made).keyID("kid-" + UUID.randomUUID()).build();
            assertThat(rejection(verifier, bearer(token(randomKid, "u-1"))).reason())
                    .isEqualTo(TokenRejectedException.Reason.INVALID);
        }
        assertThat(issuer.fetches() - before).as("the first load and one refresh per 30 s").isLessThanOrEqualTo(2);
        assertThat(verifier.userId(bearer(token(issuer.rsa, "u-1")))).as("known keys still verify").isEqualTo("u-1");
    }

    @Test
    void aUserClaimThatIsNotAValidIdIsNamed() {
        JwtVerifier verifier = verifier();
        for (String subject : List.of("u 1", "../etc/passwd", "u".repeat(65), "사용자", "")) {
            assertThat(rejection(verifier, bearer(token(issuer.rsa, subject))))
                    .satisfies(e -> assertThat(e.reason()).isEqualTo(TokenRejectedException.Reason.USER_NOT_AN_ID))
                    .hasMessageContaining("sub").hasMessageContaining("[A-Za-z0-9._:-]{1,64}");
        }
    }

    @Test
    void theUserClaimIsConfigurable() {
        JwtVerifier verifier = verifier(issuer.jwtMode(Settings.from(Map.of())).with(Setting.COUPON_JWT_USER_CLAIM, "uid"));
        assertThat(verifier.userId(bearer(token(issuer.ec, c -> c.subject("idp|123").claim("uid", "u-77")))))
                .isEqualTo("u-77");
        assertThat(rejection(verifier, bearer(token(issuer.ec, c -> c.subject("u-1").claim("uid", 77)))).reason())
                .as("a number is not a userId").isEqualTo(TokenRejectedException.Reason.USER_NOT_AN_ID);
        assertThat(rejection(verifier, bearer(token(issuer.ec, "u-1")))).as("the claim is required")
                .hasMessageContaining("uid");
    }

    @Test
    void aMissingOrMalformedHeaderIsRefused() {
        JwtVerifier verifier = verifier();
        assertThat(rejection(verifier, null).reason()).isEqualTo(TokenRejectedException.Reason.MISSING);
        assertThat(rejection(verifier, "").reason()).isEqualTo(TokenRejectedException.Reason.MISSING);
        for (String header : List.of("Basic dTox", "Bearer", "Bearer ", "Bearer not.a.jwt", "Bearer a.b.c.d.e",
                token(issuer.rsa, "u-1"), "Bearer " + "x".repeat(5000))) {
            assertThat(rejection(verifier, header).reason()).as(header).isEqualTo(TokenRejectedException.Reason.INVALID);
        }
    }

    @Test
    void keysFromAJwksFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("jwks.json");
        Files.writeString(file, new JWKSet(List.of(issuer.rsa, issuer.ec)).toString(false)); // private parts are dropped
        JwtVerifier verifier = verifier(issuer.jwtMode(Settings.from(Map.of())).with(Setting.COUPON_JWT_JWKS_URL, "")
                .with(Setting.COUPON_JWT_JWKS_FILE, file));
        assertThat(verifier.userId(bearer(token(issuer.ec, "u-file")))).isEqualTo("u-file");
        assertThat(rejection(verifier, bearer(token(TestTokenIssuer.ecKey("ec-1"), "u-1"))).reason())
                .isEqualTo(TokenRejectedException.Reason.INVALID);
    }

    @Test
    void anUnreachableJwksIsTheGatewaysTroubleNotTheCallers() {
        JwtVerifier verifier = verifier(issuer.jwtMode(Settings.from(Map.of()))
                .with(Setting.COUPON_JWT_JWKS_URL, "http://127.0.0.1:" + FreePort.next() + "/jwks.json"));
        assertThat(rejection(verifier, bearer(token(issuer.rsa, "u-1"))).reason())
                .isEqualTo(TokenRejectedException.Reason.KEYS_UNAVAILABLE);
    }

    @Test
    void aFailingJwksIsA503EvenOnceTheRateLimitRefusesFetches() {
        JwtVerifier verifier = verifier();
        issuer.failing(true);
        try {
            for (int i = 0; i < 5; i++) { // the first two fetch and fail, the rest are refused by the rate limit
                assertThat(rejection(verifier, bearer(token(issuer.rsa, "u-1"))).reason()).as("attempt %d", i)
                        .isEqualTo(TokenRejectedException.Reason.KEYS_UNAVAILABLE);
            }
        } finally {
            issuer.failing(false);
        }
    }

    @Test
    void jwtModeWithoutKeysIssuerOrAudienceDoesNotStart() {
        Settings jwt = Settings.from(Map.of()).with(Setting.COUPON_IDENTITY_MODE, "jwt");
        assertThatThrownBy(() -> JwtSettings.from(jwt)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("COUPON_JWT_JWKS_URL").hasMessageContaining("COUPON_JWT_ISSUER")
                .hasMessageContaining("COUPON_JWT_AUDIENCE");
        Settings complete = issuer.jwtMode(Settings.from(Map.of()));
        assertThatThrownBy(() -> JwtSettings.from(complete.with(Setting.COUPON_JWT_JWKS_FILE, "/etc/hostname")))
                .hasMessageContaining("exactly one of");
        assertThatThrownBy(() -> JwtSettings.from(complete.with(Setting.COUPON_JWT_JWKS_URL, "file:///etc/passwd")))
                .hasMessageContaining("http(s) URL");
        assertThatThrownBy(() -> JwtSettings.from(complete.with(Setting.COUPON_JWT_CLOCK_SKEW_S, 3600)))
                .hasMessageContaining("COUPON_JWT_CLOCK_SKEW_S");
        assertThatThrownBy(() -> IdentityMode.of("oauth")).hasMessageContaining("trusted-upstream, jwt");
        assertThat(IdentityMode.of(Setting.COUPON_IDENTITY_MODE.defaultValue())).isEqualTo(IdentityMode.TRUSTED_UPSTREAM);
    }

    static JWTClaimsSet validClaims() {
        return new JWTClaimsSet.Builder().issuer(TestTokenIssuer.ISSUER).audience(TestTokenIssuer.AUDIENCE)
                .subject("u-1").expirationTime(secondsFromNow(300)).build();
    }
}
