package io.couponissuer.kafka;

import io.couponissuer.message.ApplyBatch;
import io.couponissuer.message.ApplyRequest;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The field-by-field readers of the apply topic's applications ({@link ApplicationJson}) accept
 * what the one mapper's record binding accepts, read it to the same record, and refuse the rest with
 * the same message: the mapper is the reference (one deliberate difference, below).
 */
class ApplicationJsonTest {
    private static final String OK = "{\"requestId\":\"r1\",\"eventId\":\"e\",\"userId\":\"u\",\"requestedAt\":\"2026-11-25T10:00:00Z\"}";

    static Stream<String> applications() {
        return Stream.of(OK,
                "{\"requestedAt\":\"2026-11-25T10:00:00.123456Z\",\"userId\":\"u\",\"eventId\":\"e\",\"requestId\":\"r1\"}",
                "{\"requestId\":\"r1\",\"eventId\":\"e\",\"userId\":\"u\",\"requestedAt\":\"2026-11-25T10:00:00+02:00\"}",
                "{\"requestId\":\"r1\",\"x\":{\"y\":[1,{\"z\":null}],\"requestId\":\"no\"},\"eventId\":\"e\",\"userId\":\"u\",\"requestedAt\":\"2026-11-25T10:00:00Z\",\"extra\":[]}",
                "{\"requestId\":\"r1\",\"eventId\":\"e\",\"userId\":\"u\",\"requestedAt\":\"2026-11-25T10:00:00Z\",\"x\":1,\"x\":2}",
                "{\"requestId\":\"r1\",\"eventId\":\"e\",\"userId\":\"u\",\"userId\":\"v\",\"requestedAt\":\"2026-11-25T10:00:00Z\"}",
                "{\"requestId\":\"r1\",\"eventId\":\"e\",\"requestedAt\":\"2026-11-25T10:00:00Z\"}",
                "{\"requestId\":\"r1\",\"eventId\":\"e\",\"userId\":null,\"requestedAt\":\"2026-11-25T10:00:00Z\"}",
                "{\"requestId\":\"r1\",\"eventId\":\"e\",\"userId\":42,\"requestedAt\":\"2026-11-25T10:00:00Z\"}",
                "{\"requestId\":\"r1\",\"eventId\":\"e\",\"userId\":true,\"requestedAt\":\"2026-11-25T10:00:00Z\"}",
                "{\"requestId\":\"r1\",\"eventId\":\"e\",\"userId\":[\"u\"],\"requestedAt\":\"2026-11-25T10:00:00Z\"}",
                "{\"requestId\":\"r1\",\"eventId\":\"e\",\"userId\":{\"id\":\"u\"},\"requestedAt\":\"2026-11-25T10:00:00Z\"}",
                "{\"requestId\":\"r1\",\"eventId\":\"e\",\"userId\":\"a/b\",\"requestedAt\":\"2026-11-25T10:00:00Z\"}",
                "{\"requestId\":\"r1\",\"eventId\":\"e\",\"userId\":\"u\",\"requestedAt\":\"yesterday\"}",
                "{\"requestId\":\"r1\",\"eventId\":\"e\",\"userId\":\"u\",\"requestedAt\":1764064800}",
                "{\"requestId\":\"r1\",\"eventId\":\"e\",\"userId\":\"u\",\"requestedAt\":null}",
                "{\"requestId\":\"r1\",\"eventId\":\"e\",\"userId\":\"u\"}",
                OK + " {}", OK + " x", "{\"requestId\":\"r1\",\"eventId\":\"e\"", "[1,2]", "null", "\"text\"", "42", "{}",
                "hello coupon");
    }

    static Stream<String> batches() {
        return Stream.concat(Stream.of(
                        "{\"eventId\":\"e\",\"applications\":[" + OK + "," + OK.replace("r1", "r2") + "]}",
                        "{\"applications\":[" + OK + "],\"eventId\":\"e\",\"note\":{\"eventId\":\"x\"}}",
                        "{\"eventId\":\"e\",\"eventId\":\"e\",\"applications\":[" + OK + "]}",
                        "{\"eventId\":\"e\",\"applications\":[" + OK + "],\"applications\":[" + OK + "]}",
                        "{\"eventId\":\"e\",\"applications\":[]}",
                        "{\"eventId\":\"e\",\"applications\":null}",
                        "{\"eventId\":\"e\"}",
                        "{\"eventId\":\"e\",\"applications\":" + OK + "}",
                        "{\"eventId\":\"e\",\"applications\":\"r1\"}",
                        "{\"eventId\":\"e\",\"applications\":[null]}",
                        "{\"eventId\":\"e\",\"applications\":[42]}",
                        "{\"eventId\":7,\"applications\":[" + OK + "]}",
                        "{\"eventId\":\"other\",\"applications\":[" + OK + "]}",
                        "{\"eventId\":\"e\",\"applications\":[" + OK + "," + OK.replace("\"u\"", "42") + "]}",
                        "{\"eventId\":\"e\",\"applications\":[" + OK + "," + OK.replace("2026-11-25T10:00:00Z", "soon") + "]}",
                        "{\"eventId\":\"e\",\"applications\":[" + OK.replace(",\"userId\":\"u\"", "") + "]}",
                        "{\"eventId\":\"e\",\"applications\":[" + OK + "]} []",
                        "{\"eventId\":\"e\",\"applications\":[" + String.join(",", java.util.Collections.nCopies(256, OK)) + "]}",
                        "{\"eventId\":\"e\",\"applications\":[" + String.join(",", java.util.Collections.nCopies(257, OK)) + "]}"),
                applications());
    }

    @ParameterizedTest
    @MethodSource("applications")
    void anApplicationIsReadAsTheMapperReadsIt(String json) {
        assertSameAsMapper(json, ApplyRequest.class);
    }

    @ParameterizedTest
    @MethodSource("batches")
    void aBatchIsReadAsTheMapperReadsIt(String json) {
        assertSameAsMapper(json, ApplyBatch.class);
    }

    /**
     * The one difference, deliberate: a key twice inside a field no application has is not looked at
     * (the field is skipped whole, unread), where the mapper's parser refuses it. Such a field decides
     * nothing; checking inside it would bring back the per-object key set this reader exists to avoid.
     */
    @org.junit.jupiter.api.Test
    void aKeyTwiceInsideAnIgnoredFieldIsNotLookedAt() {
        String json = OK.replace("\"eventId\"", "\"note\":{\"a\":1,\"a\":2},\"eventId\"");
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assertThat(outcome(() -> new JsonSerde<>(ApplyRequest.class).deserialize("t", bytes)))
                .isEqualTo("refused: cannot read ApplyRequest from t: malformed JSON: Duplicate field 'a'");
        assertThat(outcome(() -> new JsonSerde<>(ApplicationJson.MAPPER, ApplyRequest.class).deserialize("t", bytes)))
                .isEqualTo(new ApplyRequest("r1", "e", "u", java.time.Instant.parse("2026-11-25T10:00:00Z")));
    }

    private static <T> void assertSameAsMapper(String json, Class<T> type) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Object expected = outcome(() -> new JsonSerde<>(type).deserialize("t", bytes));
        Object actual = outcome(() -> new JsonSerde<>(ApplicationJson.MAPPER, type).deserialize("t", bytes));
        if (expected instanceof String refusal && refusal.contains(NOT_AN_OBJECT)) {
            // Past this phrase the mapper names the constructor it lacks; what the caller must fix is the same.
            assertThat(actual).as(json).asString().startsWith(refusal.substring(0, refusal.indexOf(NOT_AN_OBJECT)
                    + NOT_AN_OBJECT.length()));
        } else {
            assertThat(actual).as(json).isEqualTo(expected);
        }
    }

    private static final String NOT_AN_OBJECT = "body must be a JSON object";

    /** The record read, or the message of the refusal. */
    private static Object outcome(java.util.function.Supplier<?> read) {
        try {
            return read.get();
        } catch (SerializationException e) {
            return "refused: " + e.getMessage();
        }
    }
}
