package io.couponissuer.gateway.identity;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a token must satisfy in {@link IdentityMode#JWT} mode, read and checked once at start-up: a
 * gateway that would accept tokens from anyone (no issuer, no audience) or could verify none (no
 * keys) must not start.
 *
 * @param jwksUrl  where the issuer publishes its keys (null when {@code jwksFile} is used)
 * @param jwksFile a JWKS JSON file with the keys (null when {@code jwksUrl} is used)
 */
public record JwtSettings(URL jwksUrl, Path jwksFile, String issuer, String audience, String userClaim,
                          int clockSkewSeconds) {
    /** Longest clock skew accepted: past this a stolen, expired token lives on for too long. */
    static final int MAX_CLOCK_SKEW_SECONDS = 300;

    public static JwtSettings from(Settings settings) {
        List<String> problems = new ArrayList<>();
        String url = settings.get(Setting.COUPON_JWT_JWKS_URL);
        String file = settings.get(Setting.COUPON_JWT_JWKS_FILE);
        if (url.isBlank() == file.isBlank()) {
            problems.add("set exactly one of COUPON_JWT_JWKS_URL and COUPON_JWT_JWKS_FILE (the keys tokens are signed with)");
        }
        URL jwksUrl = url.isBlank() ? null : httpUrl(url, problems);
        Path jwksFile = file.isBlank() ? null : Path.of(file);
        if (jwksFile != null && !Files.isReadable(jwksFile)) {
            problems.add("COUPON_JWT_JWKS_FILE " + jwksFile + " is not a readable file");
        }
        String issuer = settings.get(Setting.COUPON_JWT_ISSUER);
        if (issuer.isBlank()) {
            problems.add("COUPON_JWT_ISSUER must be set (the iss every token must carry)");
        }
        String audience = settings.get(Setting.COUPON_JWT_AUDIENCE);
        if (audience.isBlank()) {
            problems.add("COUPON_JWT_AUDIENCE must be set (the aud every token must be meant for)");
        }
        String userClaim = settings.get(Setting.COUPON_JWT_USER_CLAIM);
        if (userClaim.isBlank()) {
            problems.add("COUPON_JWT_USER_CLAIM must name the claim that holds the userId");
        }
        int skew = settings.getInt(Setting.COUPON_JWT_CLOCK_SKEW_S);
        if (skew < 0 || skew > MAX_CLOCK_SKEW_SECONDS) {
            problems.add("COUPON_JWT_CLOCK_SKEW_S must be from 0 to " + MAX_CLOCK_SKEW_SECONDS + ", was " + skew);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("COUPON_IDENTITY_MODE=jwt: " + String.join("; ", problems));
        }
        return new JwtSettings(jwksUrl, jwksFile, issuer, audience, userClaim, skew);
    }

    private static URL httpUrl(String value, List<String> problems) {
        try {
            URI uri = new URI(value);
            if ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme())) {
                return uri.toURL();
            }
        } catch (URISyntaxException | MalformedURLException | IllegalArgumentException e) {
            // reported below
        }
        problems.add("COUPON_JWT_JWKS_URL must be an http(s) URL, was '" + value + "'");
        return null;
    }
}
