package io.couponissuer.gateway;

import io.couponissuer.CouponSystem;
import io.couponissuer.config.Setting;
import io.couponissuer.json.Json;
import io.couponissuer.kafka.Topics;
import io.couponissuer.testing.KafkaBrokerExtension;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile HTTP input against a gateway on a real broker: each gets its status and a JSON error
 * body, never a 5xx, and nothing reaches coupon.apply-requests.
 */
class HostileHttpInputIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(3);
    static final String TOKEN = "hostile-token";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final io.couponissuer.testing.OpenApiContract CONTRACT = io.couponissuer.testing.OpenApiContract.load();
    static CouponSystem gateway;

    @BeforeAll
    static void start() {
        gateway = CouponSystem.start(KAFKA.settings().with(Setting.COUPON_HTTP_PORT, 0)
                .with(Setting.COUPON_ADMIN_TOKEN, TOKEN)
                .with(Setting.COUPON_INSTANCE_SECRET, "hostile-instance-secret").with(Setting.COUPON_RECORD_KEYS, io.couponissuer.testing.CouponCluster.RECORD_KEYS)
                // The table's requests come from one address, faster than one client's rate (AbuseLimitsIT checks that).
                .with(Setting.COUPON_GATEWAY_CLIENT_RATE, 0), EnumSet.of(CouponSystem.Role.GATEWAY));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static final String APPLY = "/api/events/spring-sale/applications";
    static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    static final Map<String, String> ADMIN = Map.of("Content-Type", "application/json", "Authorization", "Bearer " + TOKEN);

    static Stream<Arguments> hostile() {
        String nested = "{\"userId\":" + "[".repeat(1500) + "]".repeat(1500) + "}";
        return Stream.of(
                Arguments.of("malformed JSON", APPLY, "{\"userId\":", JSON, 400, null),
                Arguments.of("truncated JSON", APPLY, "{\"userId\":\"u-", JSON, 400, null),
                Arguments.of("trailing garbage", APPLY, "{\"userId\":\"u-1\"} DROP", JSON, 400, null),
                Arguments.of("duplicate key", APPLY, "{\"userId\":\"u-1\",\"userId\":\"u-2\"}", JSON, 400, null),
                Arguments.of("not an object", APPLY, "[\"u-1\"]", JSON, 400, null),
                Arguments.of("a bare string", APPLY, "\"u-1\"", JSON, 400, null),
                Arguments.of("empty body", APPLY, "", JSON, 400, null),
                Arguments.of("missing userId", APPLY, "{}", JSON, 400, "userId"),
                Arguments.of("null userId", APPLY, "{\"userId\":null}", JSON, 400, "userId"),
                Arguments.of("empty userId", APPLY, "{\"userId\":\"\"}", JSON, 400, "userId"),
                Arguments.of("userId a number", APPLY, "{\"userId\":42}", JSON, 400, "userId"),
                Arguments.of("userId a boolean", APPLY, "{\"userId\":true}", JSON, 400, "userId"),
                Arguments.of("userId an object", APPLY, "{\"userId\":{\"a\":1}}", JSON, 400, "userId"),
                Arguments.of("userId too long", APPLY, "{\"userId\":\"" + "u".repeat(65) + "\"}", JSON, 400, "userId"),
                Arguments.of("userId with SQL", APPLY, "{\"userId\":\"u'; DROP TABLE coupon;--\"}", JSON, 400, "userId"),
                Arguments.of("userId with a path", APPLY, "{\"userId\":\"../../etc/passwd\"}", JSON, 400, "userId"),
                Arguments.of("userId with a NUL", APPLY, "{\"userId\":\"u\\u0000\"}", JSON, 400, "userId"),
                Arguments.of("userId with a newline", APPLY, "{\"userId\":\"u\\n1\"}", JSON, 400, "userId"),
                Arguments.of("userId in Hangul", APPLY, "{\"userId\":\"사용자\"}", JSON, 400, "userId"),
                Arguments.of("userId an emoji", APPLY, "{\"userId\":\"\uD83C\uDF9F\"}", JSON, 400, "userId"),
                Arguments.of("deeply nested", APPLY, nested, JSON, 400, null),
                Arguments.of("body over 4 KiB", APPLY, "{\"userId\":\"u-1\",\"pad\":\"" + "x".repeat(5000) + "\"}", JSON, 413, null),
                Arguments.of("a 1 MB body", APPLY, "{\"pad\":\"" + "x".repeat(1 << 20) + "\"}", JSON, 413, null),
                Arguments.of("eventId with a space", "/api/events/spring%20sale/applications", "{\"userId\":\"u-1\"}", JSON, 400, "eventId"),
                Arguments.of("eventId with SQL", "/api/events/x'%20OR%20'1'='1/applications", "{\"userId\":\"u-1\"}", JSON, 400, "eventId"),
                Arguments.of("eventId too long", "/api/events/" + "e".repeat(65) + "/applications", "{\"userId\":\"u-1\"}", JSON, 400, "eventId"),
                Arguments.of("waitMs not a number", APPLY + "?waitMs=soon", "{\"userId\":\"u-1\"}", JSON, 400, "waitMs"),
                Arguments.of("waitMs negative", APPLY + "?waitMs=-1", "{\"userId\":\"u-1\"}", JSON, 400, "waitMs"),
                Arguments.of("waitMs too long", APPLY + "?waitMs=10001", "{\"userId\":\"u-1\"}", JSON, 400, "waitMs"),
                Arguments.of("form content type", APPLY, "userId=u-1", Map.of("Content-Type", "application/x-www-form-urlencoded"), 415, null),
                Arguments.of("text content type", APPLY, "{\"userId\":\"u-1\"}", Map.of("Content-Type", "text/plain"), 415, null),
                Arguments.of("event without token", "/api/events", "{\"eventId\":\"e\"}", JSON, 401, null),
                Arguments.of("event with a wrong token", "/api/events", "{\"eventId\":\"e\"}",
                        Map.of("Content-Type", "application/json", "Authorization", "Bearer nope"), 401, null),
                Arguments.of("event with a Basic token", "/api/events", "{\"eventId\":\"e\"}",
                        Map.of("Content-Type", "application/json", "Authorization", "Basic " + TOKEN), 401, null),
                Arguments.of("event cap as a string", "/api/events", "{\"eventId\":\"e\",\"cap\":\"100\"}", ADMIN, 400, "cap"),
                Arguments.of("event cap negative", "/api/events", "{\"eventId\":\"e\",\"cap\":-5}", ADMIN, 400, "cap"),
                Arguments.of("event cap fractional", "/api/events", "{\"eventId\":\"e\",\"cap\":1.5}", ADMIN, 400, "cap"),
                Arguments.of("event cap huge", "/api/events", "{\"eventId\":\"e\",\"cap\":99999999999}", ADMIN, 400, "cap"),
                Arguments.of("event id a number", "/api/events", "{\"eventId\":7}", ADMIN, 400, "eventId"),
                Arguments.of("event without eventId", "/api/events", "{\"cap\":5}", ADMIN, 400, "eventId"),
                Arguments.of("event opensAt not an instant", "/api/events", "{\"eventId\":\"e\",\"opensAt\":\"tomorrow\"}", ADMIN, 400, "opensAt"),
                Arguments.of("event opensAt a number", "/api/events", "{\"eventId\":\"e\",\"opensAt\":1764000000}", ADMIN, 400, "opensAt"),
                Arguments.of("event closing before opening", "/api/events",
                        "{\"eventId\":\"e\",\"opensAt\":\"2026-12-01T10:00:00Z\",\"closesAt\":\"2026-12-01T09:00:00Z\"}", ADMIN, 400, "closesAt"));
    }

    @ParameterizedTest(name = "{0} -> {4}")
    @MethodSource("hostile")
    void answeredWithItsStatusAndAJsonError(String name, String path, String body, Map<String, String> headers,
                                            int status, String field) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gatewayPort() + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        CONTRACT.checkAnswer("POST", path, response); // status and error body as the OpenAPI document says
        JsonNode error = Json.MAPPER.readTree(response.body());
        assertThat(error.path("error").asText()).isNotBlank();
        assertThat(error.path("message").asText()).isNotBlank();
        if (field != null) {
            assertThat(error.path("field").asText()).isEqualTo(field);
        }
    }

    @Test
    void nothingReachedTheApplyTopic() throws Exception {
        // Runs after or before the table: either way no hostile request may have produced a record.
        hostile().forEach(args -> {
            try {
                Object[] a = args.get();
                @SuppressWarnings("unchecked")
                Map<String, String> headers = (Map<String, String>) a[3];
                answeredWithItsStatusAndAJsonError((String) a[0], (String) a[1], (String) a[2], headers, (int) a[4],
                        (String) a[5]);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        try (var admin = KAFKA.admin()) {
            var partitions = IntStream.range(0, 3).mapToObj(p -> new TopicPartition(Topics.APPLY_REQUESTS.name(), p))
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            var ends = admin.listOffsets(partitions).all().get();
            assertThat(ends.values()).allSatisfy(info -> assertThat(info.offset()).isZero());
        }
    }
}
