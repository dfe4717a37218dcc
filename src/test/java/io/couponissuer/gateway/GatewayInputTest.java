package io.couponissuer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.issuer.EventStatus;
import io.couponissuer.issuer.IssuerQueries;
import io.couponissuer.kafka.Json;
import io.couponissuer.message.Decision;
import io.couponissuer.ops.OpsSummary;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP contract for input the gateway must refuse before anything reaches Kafka, and the 503
 * when Kafka does not answer. The gateway here points at a port where no broker listens.
 */
class GatewayInputTest {
    static final String TOKEN = "test-admin-token";
    static GatewayServer gateway;
    static CommandPublisher publisher;
    static DecisionWaiter waiter;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The issuer stores, as far as these tests need them: nothing is known. */
    static final IssuerQueries NOTHING_KNOWN = new IssuerQueries() {
        @Override
        public Optional<Decision> decision(String eventId, String userId) {
            return Optional.empty();
        }

        @Override
        public Optional<EventStatus> event(String eventId) {
            return Optional.empty();
        }

        @Override
        public List<EventStatus> events() {
            return List.of();
        }
    };

    @BeforeAll
    static void start() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        Settings settings = Settings.from(Map.of())
                .with(Setting.KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:" + deadPort)
                .with(Setting.COUPON_HTTP_PORT, 0)
                .with(Setting.COUPON_ADMIN_TOKEN, TOKEN)
                .with(Setting.COUPON_GATEWAY_SEND_TIMEOUT_MS, 1500);
        publisher = new CommandPublisher(settings);
        waiter = new DecisionWaiter(settings); // never started: these requests never wait for a decision
        gateway = new GatewayServer(settings, publisher, waiter, NOTHING_KNOWN, List.of(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC(),
                () -> OpsSummary.notSampledYet(Instant.now())).start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        publisher.close();
    }

    static HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    static final Map<String, String> ADMIN = Map.of("Content-Type", "application/json", "Authorization", "Bearer " + TOKEN);

    static Stream<Arguments> refused() {
        String apply = "/api/events/spring-sale/applications";
        return Stream.of(
                Arguments.of("malformed JSON", apply, "{\"userId\":", JSON, 400, null),
                Arguments.of("not an object", apply, "[\"u-1\"]", JSON, 400, null),
                Arguments.of("empty body", apply, "", JSON, 400, null),
                Arguments.of("missing userId", apply, "{}", JSON, 400, "userId"),
                Arguments.of("userId a number", apply, "{\"userId\":42}", JSON, 400, "userId"),
                Arguments.of("userId an object", apply, "{\"userId\":{\"a\":1}}", JSON, 400, "userId"),
                Arguments.of("userId too long", apply, "{\"userId\":\"" + "u".repeat(65) + "\"}", JSON, 400, "userId"),
                Arguments.of("userId with SQL", apply, "{\"userId\":\"u'; DROP TABLE coupon;--\"}", JSON, 400, "userId"),
                Arguments.of("userId with a control character", apply, "{\"userId\":\"u\\u0000\"}", JSON, 400, "userId"),
                Arguments.of("eventId with a space", "/api/events/spring%20sale/applications", "{\"userId\":\"u-1\"}",
                        JSON, 400, "eventId"),
                Arguments.of("waitMs not a number", apply + "?waitMs=soon", "{\"userId\":\"u-1\"}", JSON, 400, "waitMs"),
                Arguments.of("waitMs too long", apply + "?waitMs=10001", "{\"userId\":\"u-1\"}", JSON, 400, "waitMs"),
                Arguments.of("body over 4 KiB", apply, "{\"userId\":\"u-1\",\"pad\":\"" + "x".repeat(5000) + "\"}", JSON,
                        413, null),
                Arguments.of("wrong content type", apply, "userId=u-1",
                        Map.of("Content-Type", "application/x-www-form-urlencoded"), 415, null),
                Arguments.of("event without token", "/api/events", "{\"eventId\":\"e\"}", JSON, 401, null),
                Arguments.of("event with a wrong token", "/api/events", "{\"eventId\":\"e\"}",
                        Map.of("Content-Type", "application/json", "Authorization", "Bearer nope"), 401, null),
                Arguments.of("event cap as a string", "/api/events", "{\"eventId\":\"e\",\"cap\":\"100\"}", ADMIN, 400, "cap"),
                Arguments.of("event cap negative", "/api/events", "{\"eventId\":\"e\",\"cap\":-5}", ADMIN, 400, "cap"),
                Arguments.of("event cap fractional", "/api/events", "{\"eventId\":\"e\",\"cap\":1.5}", ADMIN, 400, "cap"),
                Arguments.of("event without eventId", "/api/events", "{\"cap\":5}", ADMIN, 400, "eventId"),
                Arguments.of("event opensAt not an instant", "/api/events",
                        "{\"eventId\":\"e\",\"opensAt\":\"tomorrow\"}", ADMIN, 400, "opensAt"),
                Arguments.of("event closing before opening", "/api/events",
                        "{\"eventId\":\"e\",\"opensAt\":\"2026-12-01T10:00:00Z\",\"closesAt\":\"2026-12-01T09:00:00Z\"}",
                        ADMIN, 400, "closesAt"));
    }

    @ParameterizedTest(name = "{0} -> {4}")
    @MethodSource("refused")
    void refusedWithAJsonBodyNamingTheProblem(String name, String path, String body, Map<String, String> headers,
                                              int status, String field) throws Exception {
        HttpResponse<String> response = post(path, body, headers);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = Json.MAPPER.readTree(response.body());
        assertThat(error.path("error").asText()).isNotBlank();
        assertThat(error.path("message").asText()).isNotBlank();
        if (field != null) {
            assertThat(error.path("field").asText()).isEqualTo(field);
        }
    }

    @Test
    void kafkaUnreachableIsA503WithRetryAfterWithinTheSendTimeout() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = post("/api/events/spring-sale/applications", "{\"userId\":\"u-1\"}", JSON);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains("1");
        assertThat(Json.MAPPER.readTree(response.body()).path("error").asText()).isEqualTo("broker_unavailable");
        assertThat(tookMs).as("bounded by the send timeout (1.5 s) plus margin").isLessThan(5_000);
    }

    @Test
    void unknownEventAndUnknownDecisionAre404() throws Exception {
        HttpResponse<String> event = get("/api/events/nope");
        assertThat(event.statusCode()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(event.body()).path("status").asText()).isEqualTo("UNKNOWN");
        HttpResponse<String> decision = get("/api/events/nope/applications/u-1");
        assertThat(decision.statusCode()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(decision.body()).path("status").asText()).isEqualTo("UNKNOWN");
    }

    @Test
    void healthAndMetricsAnswer() throws Exception {
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("coupon_gateway_requests_seconds");
    }
}
