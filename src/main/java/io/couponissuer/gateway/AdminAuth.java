package io.couponissuer.gateway;

import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Admin routes need {@code Authorization: Bearer <COUPON_ADMIN_TOKEN>}; compared in constant time. */
final class AdminAuth {
    private final byte[] expected;

    AdminAuth(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("COUPON_ADMIN_TOKEN must be set for the gateway");
        }
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    void require(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !MessageDigest.isEqual(expected, header.getBytes(StandardCharsets.UTF_8))) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "unauthorized", "a valid admin bearer token is required", null);
        }
    }
}
