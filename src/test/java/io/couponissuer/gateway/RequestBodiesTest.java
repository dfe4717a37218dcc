package io.couponissuer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.couponissuer.json.Json;
import io.couponissuer.json.JsonErrors;
import io.couponissuer.message.EventDefinition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The request bodies are bound in one pass over their bytes; every answer, value or 400 with its
 * field and message, must be the one the mapper gives when it reads a tree and then binds it, with
 * two deliberate differences: what follows the object is named as such (the tree reader's message
 * named a Java type), and a field of the wrong type is reported before what it holds is read.
 */
class RequestBodiesTest {

    static Stream<String> applications() {
        return Stream.of(
                "{\"userId\":\"u-1\"}", " \n{ \"userId\" : \"u-1\" } \n", "{}", "{\"userId\":null}",
                "{\"userId\":\"u-1\",\"other\":{\"a\":[1,2,{\"b\":null}]}}", "{\"other\":1,\"userId\":\"u-2\"}",
                "{\"userId\":", "{\"userId\":\"u-", "{\"userId\":\"u-1\"} DROP", "{\"userId\":\"u-1\",\"userId\":\"u-2\"}", "[\"u-1\"]", "\"u-1\"", "42",
                "null", "true", "   ", "{\"userId\":\"\"}", "{\"userId\":42}", "{\"userId\":4.2}",
                "{\"userId\":true}", "{\"userId\":{\"a\":1}}", "{\"userId\":[\"u-1\"]}",
                "{\"userId\":\"" + "u".repeat(65) + "\"}", "{\"userId\":\"u'; DROP TABLE coupon;--\"}",
                "{\"userId\":\"u\\u0000\"}", "{\"userId\":\"사용자\"}", "{userId:\"u-1\"}", "{'userId':'u-1'}",
                "{\"userId\":\"u-1\",}", "{\"userId\":\"u-1\" \"x\":1}", "{\"userId\" \"u-1\"}",
                "{\"userId\":\"u-1\"", "{\"other\":" + "[".repeat(1500) + "]".repeat(1500) + ",\"userId\":\"u-1\"}",
                "{\"userId\":\"u-1\"} // note", "\uFEFF{\"userId\":\"u-1\"}");
    }

    static Stream<String> definitions() {
        return Stream.of(
                "{\"eventId\":\"e-1\"}", "{\"eventId\":\"e-1\",\"cap\":5,\"spread\":true}",
                "{\"eventId\":\"e-1\",\"opensAt\":\"2026-11-25T10:00:00Z\",\"closesAt\":\"2026-11-25T11:00:00Z\"}",
                "{\"eventId\":\"e-1\",\"cap\":\"5\"}", "{\"eventId\":\"e-1\",\"cap\":5.5}", "{\"eventId\":\"e-1\",\"cap\":-1}",
                "{\"eventId\":\"e-1\",\"cap\":99999999999}", "{\"eventId\":\"e-1\",\"opensAt\":\"tomorrow\"}",
                "{\"eventId\":\"e-1\",\"opensAt\":1764064800}", "{\"eventId\":\"e-1\",\"spread\":\"yes\"}",
                "{\"eventId\":\"e-1\",\"spread\":null}", "{\"cap\":5}", "{\"eventId\":\"e 1\"}", "[]",
                "{\"eventId\":\"e-1\",\"cap\":5,\"cap\":6}", "{\"eventId\":\"e-1\"} x");
    }

    @ParameterizedTest
    @MethodSource("applications")
    void anApplicationBodyGetsTheTreeReadersAnswer(String body) {
        assertThat(answer(body, RequestBodies.ApplicationBody.class))
                .isEqualTo(treeReadersAnswer(body, RequestBodies.ApplicationBody.class));
    }

    @ParameterizedTest
    @MethodSource("definitions")
    void aDefinitionBodyGetsTheTreeReadersAnswer(String body) {
        assertThat(answer(body, EventDefinition.class)).isEqualTo(treeReadersAnswer(body, EventDefinition.class));
    }

    @ParameterizedTest
    @MethodSource("followed")
    void whatFollowsTheObjectIsA400SayingSo(String body) {
        assertThat(answer(body, RequestBodies.ApplicationBody.class)).isEqualTo(
                ApiException.badRequest(null, "body must be one JSON object: something follows it").body());
    }

    static Stream<String> followed() {
        return Stream.of("{\"userId\":\"u-1\"}{}", "{\"userId\":\"u-1\"} []", "{\"userId\":\"u-1\"} 42",
                "{\"eventId\":\"e-1\"} {\"eventId\":\"e-2\"}");
    }

    @org.junit.jupiter.api.Test
    void aFieldOfTheWrongTypeIsNamedBeforeWhatItHoldsIsRead() {
        String nested = "{\"userId\":" + "[".repeat(1500) + "]".repeat(1500) + "}";
        assertThat(answer(nested, RequestBodies.ApplicationBody.class))
                .isEqualTo(ApiException.badRequest("userId", "userId: must be a string").body());
    }

    /** The bound value, or the 400's field and message. */
    private static Object answer(String body, Class<?> type) {
        Throwable error = catchThrowable(() -> RequestBodies.parse(body.getBytes(StandardCharsets.UTF_8), type));
        if (error == null) {
            return RequestBodies.parse(body.getBytes(StandardCharsets.UTF_8), type);
        }
        assertThat(error).isInstanceOf(ApiException.class);
        ApiException rejected = (ApiException) error;
        assertThat(rejected.status()).isEqualTo(400);
        return rejected.body();
    }

    /** What the gateway answered when it read a tree and then bound it. */
    private static Object treeReadersAnswer(String body, Class<?> type) {
        try {
            JsonNode tree = Json.MAPPER.readTree(body.getBytes(StandardCharsets.UTF_8));
            if (tree == null || !tree.isObject()) {
                return ApiException.badRequest(null, "body must be a JSON object").body();
            }
            return Json.MAPPER.treeToValue(tree, type);
        } catch (IOException | IllegalArgumentException e) {
            JsonErrors error = JsonErrors.describe(e);
            return ApiException.badRequest(error.field(), error.message()).body();
        }
    }
}
