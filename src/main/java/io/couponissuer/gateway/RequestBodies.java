package io.couponissuer.gateway;

import io.couponissuer.json.Json;
import io.couponissuer.json.JsonErrors;
import io.couponissuer.message.Ids;
import io.couponissuer.message.InvalidMessageException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;

import java.io.IOException;

/** Reads request bodies strictly: JSON objects only, the right types, a clear 400 naming the field. */
final class RequestBodies {
    static final int MAX_BODY_BYTES = 4 * 1024;

    private RequestBodies() {
    }

    /**
     * The body of POST .../applications. The userId may be absent here: in jwt identity mode the
     * token names the user; whether it is required is the {@link Caller}'s to say.
     */
    record ApplicationBody(String userId) {
        ApplicationBody {
            if (userId != null) {
                Ids.require("userId", userId);
            }
        }
    }

    static <T> T read(Context ctx, Class<T> type) {
        String contentType = ctx.contentType();
        if (contentType != null && !contentType.toLowerCase().startsWith("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "Content-Type must be application/json", null);
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        if (body.length == 0) {
            throw ApiException.badRequest(null, "body is required: a JSON object");
        }
        try {
            JsonNode tree = Json.MAPPER.readTree(body);
            if (tree == null || !tree.isObject()) {
                throw ApiException.badRequest(null, "body must be a JSON object");
            }
            return Json.MAPPER.treeToValue(tree, type);
        } catch (IOException | IllegalArgumentException e) {
            JsonErrors error = JsonErrors.describe(e);
            throw ApiException.badRequest(error.field(), error.message());
        }
    }

    static ApiException tooLarge() {
        return new ApiException(413, "payload_too_large", "body must be at most " + MAX_BODY_BYTES + " bytes", null);
    }

    /** A whole-number query parameter from {@code min} to {@code max}, {@code absent} when not given; else a 400. */
    static long wholeNumber(Context ctx, String name, long absent, long min, long max) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return absent;
        }
        try {
            long value = Long.parseLong(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest(name, name + ": must be a whole number from " + min
                + (max == Long.MAX_VALUE ? "" : " to " + max));
    }

    static String id(Context ctx, String pathParam) {
        try {
            return Ids.require(pathParam, ctx.pathParam(pathParam));
        } catch (InvalidMessageException e) {
            throw ApiException.badRequest(e.field(), e.getMessage());
        }
    }
}
