package io.couponissuer.gateway;

import io.couponissuer.json.Json;
import io.couponissuer.json.JsonErrors;
import io.couponissuer.message.Ids;
import io.couponissuer.message.InvalidMessageException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.core.JsonToken;
import io.javalin.http.Context;

import java.io.IOException;

/** Reads request bodies strictly: JSON objects only, the right types, a clear 400 naming the field. */
final class RequestBodies {
    static final int MAX_BODY_BYTES = 4 * 1024;

    /**
     * One reader per body type, built once: the mapper's rules, except that what follows the object is
     * looked at here, to say so without naming a Java type.
     */
    private static final ClassValue<ObjectReader> READERS = new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
            return Json.MAPPER.readerFor(type).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        }
    };

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
        return parse(body, type);
    }

    /** A JSON object's bytes bound to {@code type}; else the 400 naming the field at fault. */
    static <T> T parse(byte[] body, Class<T> type) {
        if (body.length == 0) {
            throw ApiException.badRequest(null, "body is required: a JSON object");
        }
        // One pass over the bytes: the first token says whether it is an object, then the mapper binds
        // from there (a tree first, then binding it, cost the request path a second walk).
        try (JsonParser parser = Json.MAPPER.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw ApiException.badRequest(null, "body must be a JSON object");
            }
            T value = READERS.get(type).readValue(parser);
            if (parser.nextToken() != null) {
                throw ApiException.badRequest(null, "body must be one JSON object: something follows it");
            }
            return value;
        } catch (IOException | IllegalArgumentException e) {
            JsonErrors error = JsonErrors.describe(unreadable(e));
            throw ApiException.badRequest(error.field(), error.message());
        }
    }

    /**
     * A body that is not JSON (bad syntax, too deep) is "malformed JSON", wherever the parser found
     * out: while binding a field, the mapper wraps the parser's error in one that names the field.
     */
    private static Exception unreadable(Exception error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonParseException || cause instanceof StreamConstraintsException) {
                return (Exception) cause;
            }
        }
        return error;
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
