package io.couponissuer.gateway.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.couponissuer.message.Ids;

import java.io.Closeable;
import java.text.ParseException;
import java.util.Set;

import static io.couponissuer.gateway.identity.TokenRejectedException.Reason.INVALID;
import static io.couponissuer.gateway.identity.TokenRejectedException.Reason.KEYS_UNAVAILABLE;
import static io.couponissuer.gateway.identity.TokenRejectedException.Reason.MISSING;
import static io.couponissuer.gateway.identity.TokenRejectedException.Reason.USER_NOT_AN_ID;

/**
 * The user of an {@code Authorization: Bearer <JWT>} header, or why there is none. One Nimbus
 * processor, built once and shared by every request thread (it is thread-safe; the keys are cached).
 * Only RS256 and ES256 are allowed: {@code alg: none}, and HS256 keyed with the public key (the
 * algorithm-confusion attack), have no key selected for them and are refused.
 */
public final class JwtVerifier implements Closeable {
    static final Set<JWSAlgorithm> ALLOWED_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
    private static final String BEARER = "Bearer ";

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final VerificationKeys keys;
    private final String userClaim;

    public JwtVerifier(JwtSettings settings) {
        this(settings, VerificationKeys.of(settings));
    }

    JwtVerifier(JwtSettings settings, VerificationKeys keys) {
        this.keys = keys;
        this.userClaim = settings.userClaim();
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                Set.of(settings.audience()),
                new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
                Set.of(JWTClaimNames.EXPIRATION_TIME, settings.userClaim()), // nbf is checked when present
                null);
        claims.setMaxClockSkew(settings.clockSkewSeconds());
        processor = new DefaultJWTProcessor<>();
        // Plain "JWT" or none, and OAuth access tokens (RFC 9068 "at+jwt").
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT,
                new JOSEObjectType("at+jwt"), null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALLOWED_ALGORITHMS, keys.source()));
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** The verified userId of the request with this Authorization header (null when absent). */
    public String userId(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new TokenRejectedException(MISSING, "a bearer token is required: Authorization: Bearer <JWT>");
        }
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new TokenRejectedException(INVALID, "the Authorization header must be: Bearer <JWT>");
        }
        JWTClaimsSet claims = verify(authorization.substring(BEARER.length()).trim());
        Object user = claims.getClaim(userClaim);
        if (!(user instanceof String userId) || !Ids.isValid(userId)) {
            throw new TokenRejectedException(USER_NOT_AN_ID, "the token's " + userClaim
                    + " claim is not a usable userId: it " + Ids.RULE);
        }
        return userId;
    }

    private JWTClaimsSet verify(String token) {
        try {
            return processor.process(token, null);
        } catch (ParseException e) {
            throw new TokenRejectedException(INVALID, "the token is not a JWT: " + e.getMessage());
        } catch (RateLimitReachedException e) {
            // A fetch refused by the rate limit: with current keys in hand the kid is not among them
            // (most likely made up); without, the gateway has no keys, which is not the caller's fault.
            if (keys.current()) {
                throw new TokenRejectedException(INVALID, "the token is signed by an unknown key");
            }
            throw new TokenRejectedException(KEYS_UNAVAILABLE, "the token issuer's keys cannot be fetched now");
        } catch (KeySourceException e) {
            throw new TokenRejectedException(KEYS_UNAVAILABLE, "the token issuer's keys cannot be fetched now");
        } catch (BadJOSEException e) {
            throw new TokenRejectedException(INVALID, "the token is refused: " + e.getMessage());
        } catch (JOSEException e) {
            throw new TokenRejectedException(INVALID, "the token cannot be verified: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        keys.close();
    }
}
