package io.couponissuer.json;

import io.couponissuer.message.InvalidMessageException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import java.util.stream.Collectors;

/** Turns a JSON reading failure into the field at fault and a sentence a caller can act on. */
public record JsonErrors(String field, String problem) {

    public String message() {
        return field == null ? problem : field + ": " + problem;
    }

    public static JsonErrors describe(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof InvalidMessageException invalid) {
                return new JsonErrors(invalid.field(), invalid.getMessage().substring(invalid.field().length() + 2));
            }
        }
        if (error instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            String expected = mismatch.getTargetType() == null ? "another type"
                    : friendlyType(mismatch.getTargetType());
            return new JsonErrors(path(mismatch), "must be " + expected);
        }
        if (error instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return new JsonErrors(path(mapping), "is invalid: " + mapping.getOriginalMessage());
        }
        if (error instanceof MismatchedInputException mismatch) {
            return new JsonErrors(null, "body must be a JSON object: " + mismatch.getOriginalMessage());
        }
        if (error instanceof JsonProcessingException processing) {
            return new JsonErrors(null, "malformed JSON: " + processing.getOriginalMessage());
        }
        return new JsonErrors(null, String.valueOf(error.getMessage()));
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String friendlyType(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == java.time.Instant.class) {
            return "an ISO-8601 instant such as 2026-11-25T10:00:00Z";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a JSON array";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        return "a " + type.getSimpleName();
    }
}
