package io.couponissuer.kafka;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The authenticator on the records of {@code coupon.apply-requests} that only gateways (for an admin)
 * and issuers may write: header {@value #HEADER} = {@code <keyId>:<HMAC-SHA256 over the record type and
 * the value>}, with a key gateways and issuers share (COUPON_RECORD_KEYS). Kafka's ACLs are per topic, so
 * they cannot tell an application (anybody may produce one) from a definition or a claim: this can.
 *
 * <p>The key is not in the MAC: the issuer requires it to be the value's eventId (or eventId/userId),
 * so a record moved to another key is refused by that rule. Keys rotate without downtime: every listed
 * key is accepted, the first signs (add the new one second everywhere, then first, then drop the old).
 */
public final class RecordAuthenticator {
    public static final String HEADER = "coupon.auth";
    /** A secret shorter than this is a typo or a placeholder, not a key. */
    static final int MIN_SECRET_LENGTH = 32;

    /** What a record's header says. */
    public enum Authenticity { VALID, MISSING, INVALID }

    private final String signingKeyId;
    private final Map<String, SecretKeySpec> keys;
    /** Mac objects are not thread-safe and cost a provider lookup to make: one per thread and key. */
    private final ThreadLocal<Map<String, Mac>> macs = ThreadLocal.withInitial(HashMap::new);

    private RecordAuthenticator(Map<String, SecretKeySpec> keys) {
        this.keys = Map.copyOf(keys);
        this.signingKeyId = keys.keySet().iterator().next();
    }

    /**
     * @param setting {@code id=secret[,id=secret...]}: ids of {@code [A-Za-z0-9._-]}, secrets of at
     *                least {@value #MIN_SECRET_LENGTH} characters; the first signs
     */
    public static RecordAuthenticator parse(String setting) {
        Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
        for (String entry : setting.split(",")) {
            String trimmed = entry.trim();
            int equals = trimmed.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("COUPON_RECORD_KEYS: each key is id=secret (got an entry without an id)");
            }
            String id = trimmed.substring(0, equals);
            String secret = trimmed.substring(equals + 1);
            if (!id.matches("[A-Za-z0-9._-]{1,32}")) {
                throw new IllegalArgumentException("COUPON_RECORD_KEYS: key id '" + id + "' must match [A-Za-z0-9._-]{1,32}");
            }
            if (secret.length() < MIN_SECRET_LENGTH) {
                throw new IllegalArgumentException("COUPON_RECORD_KEYS: the secret of key '" + id + "' must be at least "
                        + MIN_SECRET_LENGTH + " characters (for example `openssl rand -hex 32`)");
            }
            if (keys.put(id, new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256")) != null) {
                throw new IllegalArgumentException("COUPON_RECORD_KEYS: key id '" + id + "' is listed twice");
            }
        }
        return new RecordAuthenticator(keys);
    }

    /** A setting with one new random key (for a process or a test that makes its own). */
    public static String randomSetting() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return "k1=" + HexFormat.of().formatHex(secret);
    }

    /** Adds the authenticator for this type and value (replacing any the headers carried). */
    public void sign(Headers headers, String type, byte[] value) {
        headers.remove(HEADER);
        String mac = Base64.getUrlEncoder().withoutPadding().encodeToString(mac(signingKeyId, type, value));
        headers.add(HEADER, (signingKeyId + ":" + mac).getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether the record carries a valid authenticator for this type and value under one of the keys. */
    public Authenticity check(Headers headers, String type, byte[] value) {
        Header header = headers == null ? null : headers.lastHeader(HEADER);
        if (header == null || header.value() == null) {
            return Authenticity.MISSING;
        }
        String text = new String(header.value(), StandardCharsets.US_ASCII);
        int colon = text.indexOf(':');
        if (colon <= 0 || !keys.containsKey(text.substring(0, colon))) {
            return Authenticity.INVALID;
        }
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(text.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return Authenticity.INVALID;
        }
        return MessageDigest.isEqual(given, mac(text.substring(0, colon), type, value)) ? Authenticity.VALID : Authenticity.INVALID;
    }

    private byte[] mac(String keyId, String type, byte[] value) {
        Mac mac = macs.get().computeIfAbsent(keyId, id -> {
            try {
                Mac created = Mac.getInstance("HmacSHA256");
                created.init(keys.get(id));
                return created;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        });
        mac.update(type.getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) 0); // a type never contains NUL: type and value cannot be shifted into each other
        return mac.doFinal(value == null ? new byte[0] : value);
    }
}
