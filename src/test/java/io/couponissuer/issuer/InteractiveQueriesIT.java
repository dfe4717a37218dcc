package io.couponissuer.issuer;

import io.couponissuer.testing.TestHttp;
import io.couponissuer.CouponSystem;
import io.couponissuer.config.Setting;
import io.couponissuer.query.InstanceSecret;
import io.couponissuer.config.Settings;
import io.couponissuer.tools.local.cluster.FreePort;
import io.couponissuer.json.Json;
import io.couponissuer.testing.KafkaBrokerExtension;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two issuer instances share the events; a gateway that knows only the first still answers for
 * every event, because the first forwards questions about the second's events to it.
 */
class InteractiveQueriesIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(4);
    static final String TOKEN = "iq-token";
    static final String SECRET = "iq-instance-secret";
    static final List<CouponSystem> SYSTEMS = new ArrayList<>();
    static int portA;
    static int portB;
    static int gatewayPort;

    @BeforeAll
    static void start() throws Exception {
        portA = FreePort.next();
        portB = FreePort.next();
        SYSTEMS.add(CouponSystem.start(issuer(portA, "a"), EnumSet.of(CouponSystem.Role.ISSUER)));
        SYSTEMS.add(CouponSystem.start(issuer(portB, "b"), EnumSet.of(CouponSystem.Role.ISSUER)));
        CouponSystem gateway = CouponSystem.start(KAFKA.settings().with(Setting.COUPON_HTTP_PORT, 0)
                .with(Setting.COUPON_ADMIN_TOKEN, TOKEN)
                .with(Setting.COUPON_INSTANCE_SECRET, SECRET).with(Setting.COUPON_RECORD_KEYS, io.couponissuer.testing.CouponCluster.RECORD_KEYS)
                .with(Setting.COUPON_GATEWAY_CLIENT_RATE, 0) // the test is one address asking for many users
                .with(Setting.COUPON_ISSUER_URL, "http://127.0.0.1:" + portA), EnumSet.of(CouponSystem.Role.GATEWAY));
        SYSTEMS.add(gateway);
        gatewayPort = gateway.gatewayPort();
        awaitReady(portA);
        awaitReady(portB);
    }

    @AfterAll
    static void stop() {
        SYSTEMS.forEach(CouponSystem::close);
    }

    static Settings issuer(int port, String name) {
        return KAFKA.settings().with(Setting.COUPON_ISSUER_HTTP_PORT, port)
                .with(Setting.COUPON_INSTANCE_SECRET, SECRET).with(Setting.COUPON_RECORD_KEYS, io.couponissuer.testing.CouponCluster.RECORD_KEYS)
                .with(Setting.COUPON_STATE_DIR, "target/it-streams/iq-" + name + "-" + System.nanoTime());
    }


    static HttpResponse<String> get(int port, String path) throws Exception {
        return TestHttp.get("http://127.0.0.1:" + port + path);
    }

    /** An issuer's store route, as a gateway or another issuer asks it: with the instance secret. */
    static HttpResponse<String> internal(int port, String path) throws Exception {
        return TestHttp.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                .header(InstanceSecret.HEADER, SECRET).GET());
    }

    static HttpResponse<String> post(String path, String body, boolean admin) throws Exception {
        return TestHttp.post("http://127.0.0.1:" + gatewayPort + path, body, admin ? TOKEN : null);
    }

    static void awaitReady(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (get(port, "/health/ready").statusCode() != 200) {
            assertThat(System.nanoTime()).as("issuer on %d ready", port).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    void theGatewayAnswersForEventsOwnedByTheInstanceItDoesNotKnow() throws Exception {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String eventId = "iq-" + i;
            events.add(eventId);
            assertThat(post("/api/events", "{\"eventId\":\"" + eventId + "\",\"cap\":1}", true).statusCode()).isEqualTo(201);
            HttpResponse<String> decided = post("/api/events/" + eventId + "/applications?waitMs=10000",
                    "{\"userId\":\"u-1\"}", false);
            assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(decided.body()).path("status").asText()).isEqualTo("ISSUED");
        }

        // Which instance owns which event: each answers local-only questions for its own events only.
        List<String> ownedByB = new ArrayList<>();
        List<String> ownedByA = new ArrayList<>();
        for (String eventId : events) {
            boolean onA = internal(portA, "/internal/events/" + eventId + "?local=true").statusCode() == 200;
            boolean onB = internal(portB, "/internal/events/" + eventId + "?local=true").statusCode() == 200;
            assertThat(onA ^ onB).as("exactly one owner of %s", eventId).isTrue();
            (onB ? ownedByB : ownedByA).add(eventId);
        }
        assertThat(ownedByA).as("events on the first issuer").isNotEmpty();
        assertThat(ownedByB).as("events on the second issuer").isNotEmpty();

        // The gateway asks only the first instance; it forwards the rest.
        for (String eventId : events) {
            HttpResponse<String> status = get(gatewayPort, "/api/events/" + eventId + "/applications/u-1");
            assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
            JsonNode decision = Json.MAPPER.readTree(status.body());
            assertThat(decision.path("status").asText()).isEqualTo("ISSUED");
            assertThat(decision.path("couponId").asText()).isEqualTo(eventId + "-1");
            JsonNode event = Json.MAPPER.readTree(get(gatewayPort, "/api/events/" + eventId).body());
            assertThat(event.path("issued").asLong()).isEqualTo(1);
            assertThat(event.path("remaining").asLong()).isZero();
            // Sold out (cap 1): a user without a coupon is told SOLD_OUT, from the event's owner too.
            HttpResponse<String> other = get(gatewayPort, "/api/events/" + eventId + "/applications/u-2");
            assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(other.body()).path("reason").asText()).isEqualTo("SOLD_OUT");
        }
        // The store routes answer nobody without the instance secret (the issuer's port may be reachable by others).
        for (String path : List.of("/internal/events", "/internal/events/" + events.get(0),
                "/internal/events/" + events.get(0) + "/decisions/u-1",
                "/internal/events/" + events.get(0) + "/answers/r-1?waitMs=0")) {
            HttpResponse<String> refused = get(portA, path);
            assertThat(refused.statusCode()).as(path).isEqualTo(401);
            assertThat(refused.body()).doesNotContain("u-1").doesNotContain("\"cap\"");
            HttpResponse<String> wrong = TestHttp.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + portA + path)).header(InstanceSecret.HEADER, SECRET + "x").GET());
            assertThat(wrong.statusCode()).as("a wrong secret on %s", path).isEqualTo(401);
        }
        assertThat(internal(portA, "/internal/events").statusCode()).isEqualTo(200);
        System.out.printf("InteractiveQueriesIT: %d events on the first issuer, %d forwarded to the second%n",
                ownedByA.size(), ownedByB.size());
    }
}
