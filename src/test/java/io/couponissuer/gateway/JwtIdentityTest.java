package io.couponissuer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.tools.local.cluster.FreePort;
import io.couponissuer.health.KafkaConnectivity;
import io.couponissuer.json.Json;
import io.couponissuer.testing.OpenApiContract;
import io.couponissuer.testing.TestHttp;
import io.couponissuer.testing.TestTokenIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.couponissuer.testing.TestTokenIssuer.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The application routes in jwt identity mode, through the real HTTP gateway (no broker: an
 * application that passes the identity check ends in the bounded 503 of GatewayInputTest, a status
 * in 404; a refused one never gets that far). Every answer is checked against the OpenAPI document.
 */
class JwtIdentityTest {
    static final OpenApiContract CONTRACT = OpenApiContract.load();
    static final String ADMIN_TOKEN = "jwt-test-admin-token";
    static TestTokenIssuer issuer;
    static GatewayServer gateway;
    static CommandPublisher publisher;
    static KafkaConnectivity kafka;

    @BeforeAll
    static void start() {
        issuer = new TestTokenIssuer();
        Settings settings = issuer.jwtMode(Settings.from(Map.of()).with(Setting.COUPON_RECORD_KEYS, io.couponissuer.testing.CouponCluster.RECORD_KEYS)
                .with(Setting.KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:" + FreePort.next()) // nothing listens there
                .with(Setting.COUPON_HTTP_PORT, 0)
                .with(Setting.COUPON_ADMIN_TOKEN, ADMIN_TOKEN)
                .with(Setting.COUPON_GATEWAY_SEND_TIMEOUT_MS, 500));
        publisher = new CommandPublisher(settings);
        kafka = new KafkaConnectivity(settings);
        gateway = GatewayInputTest.gatewayWithoutIssuers(settings, publisher, new DecisionWaiter(settings), kafka).start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        publisher.close();
        kafka.close();
        issuer.close();
    }

    static HttpResponse<String> apply(String body, String token) throws Exception {
        String path = "/api/events/spring-sale/applications";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = TestHttp.send(request);
        CONTRACT.checkAnswer("POST", path, response);
        return response;
    }

    static HttpResponse<String> status(String userId, String token) throws Exception {
        String path = "/api/events/spring-sale/applications/" + userId;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = TestHttp.send(request);
        CONTRACT.checkAnswer("GET", path, response);
        return response;
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    static void assertInvalidToken(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer error=\"invalid_token\"");
        assertThat(json(response).path("error").asText()).isEqualTo("invalid_token");
        assertThat(json(response).path("message").asText()).isNotBlank();
    }

    @Test
    void withoutAValidTokenBothRoutesAre401() throws Exception {
        assertInvalidToken(apply("{\"userId\":\"u-1\"}", null));
        assertInvalidToken(status("u-1", null));
        assertInvalidToken(apply("{\"userId\":\"u-1\"}", "not-a-jwt"));
        assertInvalidToken(apply("{}", token(TestTokenIssuer.rsaKey("stranger"), "u-1")));
        assertInvalidToken(apply("{}", token(issuer.rsa, c -> c.subject("u-1").audience("another-app"))));
        assertInvalidToken(status("u-1", token(issuer.ec, c -> c.subject("u-1").issuer("https://evil.example"))));
        assertThat(json(apply("{}", ADMIN_TOKEN)).path("error").asText()).as("the admin token is no user token")
                .isEqualTo("invalid_token");
        // Authentication comes first: a stranger's malformed body is still a 401.
        assertInvalidToken(apply("{\"userId\":", null));
    }

    @Test
    void aBodyUserIdOtherThanTheTokensIs403() throws Exception {
        HttpResponse<String> response = apply("{\"userId\":\"u-2\"}", token(issuer.rsa, "u-1"));
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(json(response).path("error").asText()).isEqualTo("forbidden");
        assertThat(json(response).path("field").asText()).isEqualTo("userId");
    }

    @Test
    void anotherUsersStatusIs403AndOnesOwnIsAnswered() throws Exception {
        HttpResponse<String> other = status("u-2", token(issuer.ec, "u-1"));
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(json(other).path("error").asText()).isEqualTo("forbidden");
        HttpResponse<String> own = status("u-1", token(issuer.ec, "u-1"));
        assertThat(own.statusCode()).as("no issuer knows it: past the identity check").isEqualTo(404);
        assertThat(json(own).path("userId").asText()).isEqualTo("u-1");
    }

    @Test
    void aTokenUserThatIsNotAValidIdIs403NeverA500() throws Exception {
        for (String subject : new String[] {"u 1", "x'; DROP TABLE coupon;--", "u".repeat(65)}) {
            HttpResponse<String> response = apply("{}", token(issuer.rsa, subject));
            assertThat(response.statusCode()).as(subject).isEqualTo(403);
            assertThat(json(response).path("error").asText()).isEqualTo("invalid_user_claim");
            assertThat(json(response).path("message").asText()).contains("sub");
        }
    }

    @Test
    void aValidTokenPassesWithOrWithoutTheUserIdInTheBody() throws Exception {
        // No broker listens: the application got past identity and the body, to the publisher's bounded 503.
        for (String body : new String[] {"{}", "{\"userId\":\"u-1\"}"}) {
            HttpResponse<String> response = apply(body, token(issuer.rsa, "u-1"));
            assertThat(response.statusCode()).as(body + " -> " + response.body()).isEqualTo(503);
            assertThat(json(response).path("error").asText()).isEqualTo("broker_unavailable");
        }
        HttpResponse<String> badBody = apply("{\"userId\":42}", token(issuer.ec, "u-1"));
        assertThat(badBody.statusCode()).as("the body's rules still hold").isEqualTo(400);
    }

    @Test
    void adminRoutesKeepTheAdminToken() throws Exception {
        HttpResponse<String> withUserToken = TestHttp.post("http://127.0.0.1:" + gateway.port() + "/api/events",
                "{\"eventId\":\"e\"}", token(issuer.rsa, "u-1"));
        assertThat(withUserToken.statusCode()).isEqualTo(401);
        assertThat(json(withUserToken).path("error").asText()).isEqualTo("unauthorized");
    }

    @Test
    void jwtModeWithoutKeysDoesNotStart() {
        Settings incomplete = Settings.from(Map.of()).with(Setting.COUPON_HTTP_PORT, 0)
                .with(Setting.COUPON_ADMIN_TOKEN, ADMIN_TOKEN).with(Setting.COUPON_IDENTITY_MODE, "jwt")
                .with(Setting.COUPON_JWT_ISSUER, TestTokenIssuer.ISSUER).with(Setting.COUPON_JWT_AUDIENCE, TestTokenIssuer.AUDIENCE);
        assertThatThrownBy(() -> GatewayInputTest.gatewayWithoutIssuers(incomplete, publisher,
                new DecisionWaiter(incomplete), kafka))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("COUPON_JWT_JWKS_URL");
    }

    /** A valid token's user is the client a rate counts, wherever it comes from; a request without one counts against its address. */
    @Test
    void theRateLimitCountsATokensUserAndTokenlessRequestsByAddress() throws Exception {
        Settings limited = issuer.jwtMode(Settings.from(Map.of())
                .with(Setting.COUPON_RECORD_KEYS, io.couponissuer.testing.CouponCluster.RECORD_KEYS)
                .with(Setting.KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:" + FreePort.next())
                .with(Setting.COUPON_HTTP_PORT, 0).with(Setting.COUPON_ADMIN_TOKEN, ADMIN_TOKEN)
                .with(Setting.COUPON_GATEWAY_CLIENT_RATE, "0.01").with(Setting.COUPON_GATEWAY_CLIENT_BURST, 2));
        try (GatewayServer strict = GatewayInputTest.gatewayWithoutIssuers(limited, publisher, new DecisionWaiter(limited),
                kafka).start()) {
            java.util.function.BiFunction<String, String, Integer> status = (user, token) -> {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + strict.port()
                        + "/api/events/spring-sale/applications/" + user)).GET();
                if (token != null) {
                    request.header("Authorization", "Bearer " + token);
                }
                try {
                    return TestHttp.send(request).statusCode();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            String a = token(issuer.rsa, "user-a");
            assertThat(List.of(status.apply("user-a", a), status.apply("user-a", a), status.apply("user-a", a)))
                    .containsExactly(404, 404, 429);
            assertThat(status.apply("user-b", token(issuer.rsa, "user-b"))).as("another user from the same address").isEqualTo(404);
            assertThat(List.of(status.apply("user-c", null), status.apply("user-c", null), status.apply("user-c", null)))
                    .as("no token: counted by address").containsExactly(401, 401, 429);
        }
    }
}
