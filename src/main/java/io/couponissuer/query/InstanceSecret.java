package io.couponissuer.query;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret gateways and issuers share (COUPON_INSTANCE_SECRET): the issuers' /internal routes answer
 * only a request that carries it in {@link #HEADER}. Compared as SHA-256 digests in constant time, so
 * neither the content nor the length of the secret leaks through timing.
 */
public final class InstanceSecret {
    public static final String HEADER = "X-Coupon-Instance-Secret";

    private final String value;
    private final byte[] digest;

    private InstanceSecret(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("an instance secret must not be empty");
        }
        this.value = value;
        this.digest = sha256(value);
    }

    public static InstanceSecret of(String value) {
        return new InstanceSecret(value);
    }

    /** A fresh random secret, for a process that runs every role itself and so shares it with no one. */
    public static String random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** What a caller sends in {@link #HEADER}. */
    String value() {
        return value;
    }

    /** Whether {@code presented} (a header value, maybe null) is this secret. */
    public boolean admits(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "InstanceSecret[hidden]";
    }
}
