package io.couponissuer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.RSAKey;
import io.couponissuer.CouponSystem;
import io.couponissuer.config.Setting;
import io.couponissuer.json.Json;
import io.couponissuer.kafka.Topics;
import io.couponissuer.testing.KafkaBrokerExtension;
import io.couponissuer.testing.OpenApiContract;
import io.couponissuer.testing.TestHttp;
import io.couponissuer.testing.TestTokenIssuer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import static io.couponissuer.testing.TestTokenIssuer.token;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * jwt identity mode end to end on a real broker: the gateway, its JWKS fetched over HTTP from the
 * test's issuer, and coupon.apply-requests. The applications that reach the topic carry the token's
 * user, whatever the body says; a rotated key is accepted without a restart; refused requests leave
 * no record.
 */
class JwtIdentityIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(3);
    static final OpenApiContract CONTRACT = OpenApiContract.load();
    static final String EVENT = "jwt-sale";
    static TestTokenIssuer issuer;
    static CouponSystem gateway;

    @BeforeAll
    static void start() throws Exception {
        // No issuer runs here: the event's definition is put where an issuer commits the ones it takes,
        // so the gateway knows the event (it answers 404 unknown_event otherwise).
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(
                io.couponissuer.kafka.ClientConfigs.producer(KAFKA.settings(), "jwt-it-definitions"),
                new org.apache.kafka.common.serialization.StringSerializer(),
                io.couponissuer.kafka.Topics.EVENTS.valueSerde().serializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(io.couponissuer.kafka.Topics.EVENTS.name(),
                    EVENT, new io.couponissuer.message.EventDefinition(EVENT, 100, null, null))).get();
        }
        issuer = new TestTokenIssuer();
        gateway = CouponSystem.start(issuer.jwtMode(KAFKA.settings().with(Setting.COUPON_HTTP_PORT, 0)
                .with(Setting.COUPON_ADMIN_TOKEN, "jwt-it-admin")
                .with(Setting.COUPON_INSTANCE_SECRET, "jwt-it-instance-secret").with(Setting.COUPON_RECORD_KEYS, io.couponissuer.testing.CouponCluster.RECORD_KEYS)), EnumSet.of(CouponSystem.Role.GATEWAY));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        issuer.close();
    }

    static HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gatewayPort() + path))
                .timeout(Duration.ofSeconds(10));
        if (body != null) {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = TestHttp.send(request);
        CONTRACT.checkAnswer(method, path, response);
        return response;
    }

    static HttpResponse<String> apply(String body, String token) throws Exception {
        return send("POST", "/api/events/" + EVENT + "/applications", body, token);
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    @Test
    void applicationsCarryTheTokensUserAndARotatedKeyWorksWithoutARestart() throws Exception {
        HttpResponse<String> rsa = apply("{}", token(issuer.rsa, "u-rsa"));
        assertThat(rsa.statusCode()).as(rsa.body()).isEqualTo(202);
        assertThat(json(rsa).path("userId").asText()).isEqualTo("u-rsa");
        HttpResponse<String> ec = apply("{\"userId\":\"u-ec\"}", token(issuer.ec, "u-ec"));
        assertThat(ec.statusCode()).as(ec.body()).isEqualTo(202);
        assertThat(json(ec).path("userId").asText()).isEqualTo("u-ec");

        // Refused: no record may come of these.
        assertThat(apply("{\"userId\":\"u-victim\"}", token(issuer.rsa, "u-rsa")).statusCode()).isEqualTo(403);
        assertThat(apply("{\"userId\":\"u-victim\"}", null).statusCode()).isEqualTo(401);
        RSAKey next = TestTokenIssuer.rsaKey("rsa-2");
        // (Not asked before it is published: that would spend the one refresh the rate limit allows
        // in these 30 s, and the rotated key would be refused until they pass.)
        assertThat(send("GET", "/api/events/" + EVENT + "/applications/u-ec", null, token(issuer.rsa, "u-rsa"))
                .statusCode()).isEqualTo(403);

        issuer.publish(next, issuer.ec); // the issuer rotates rsa-1 out
        HttpResponse<String> rotated = apply("{}", token(next, "u-rotated"));
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(202);
        assertThat(json(rotated).path("userId").asText()).isEqualTo("u-rotated");

        List<ConsumerRecord<String, String>> records = KAFKA.readAll(Topics.APPLY_REQUESTS.name(),
                new StringDeserializer(), new StringDeserializer(), 3, Duration.ofSeconds(15));
        List<String> users = records.stream().map(r -> {
            try {
                return Json.MAPPER.readTree(r.value()).path("userId").asText();
            } catch (Exception e) {
                throw new AssertionError(r.value(), e);
            }
        }).toList();
        assertThat(users).containsExactlyInAnyOrder("u-rsa", "u-ec", "u-rotated");
    }
}
