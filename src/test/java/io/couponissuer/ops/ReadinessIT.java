package io.couponissuer.ops;

import io.couponissuer.testing.TestHttp;
import io.couponissuer.config.Setting;
import io.couponissuer.json.Json;
import io.couponissuer.testing.EveryCheckReady;
import io.couponissuer.testing.InProcessSystem;
import io.couponissuer.testing.KafkaBrokerExtension;
import io.couponissuer.testing.TcpProxy;
import io.couponissuer.testing.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #11 item 5, as it happened in dev: the whole system in one process (real broker, real
 * PostgreSQL) with the writer cut off its database. The API keeps deciding and its readiness stays
 * 200, naming the writer as not ready; a writer running alone is not ready (503).
 */
class ReadinessIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(1);
    @RegisterExtension
    static final TestDatabase database = TestDatabase.perClass();
    @RegisterExtension
    static final TcpProxy proxy = TcpProxy.perClass("127.0.0.1", 5432);

    private static final String TOKEN = "readiness-it-token";
    private static final String EVENT = "readiness";
    private static InProcessSystem system;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        system = InProcessSystem.start(KAFKA.settings()
                .with(Setting.COUPON_JDBC_URL, database.jdbcUrl(proxy.hostPort()))
                .with(Setting.COUPON_JDBC_TIMEOUT_MS, 1000)
                .with(Setting.COUPON_WRITER_RETRY_MAX_MS, 500)
                .with(Setting.COUPON_ADMIN_TOKEN, TOKEN));
        base = system.gatewayUrl();
        EveryCheckReady.await(base + "/health/ready", TOKEN, Duration.ofSeconds(90));
        HttpResponse<String> created = post("/api/events", "{\"eventId\":\"" + EVENT + "\",\"cap\":10}", true);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void theApiStaysReadyWhileTheWriterIsCutOffItsDatabase() throws Exception {
        proxy.cut();
        try {
            HttpResponse<String> applied = post("/api/events/" + EVENT + "/applications?waitMs=10000",
                    "{\"userId\":\"u-1\"}", false);
            assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(applied.body()).path("status").asText()).isEqualTo("ISSUED");

            // The writer finds the database gone when it writes that coupon.
            HttpResponse<String> ready = await("the gateway's readiness names the writer not ready",
                    base + "/health/ready?detail", body -> !body.at("/checks/writer/ready").asBoolean(true));
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            JsonNode body = Json.MAPPER.readTree(ready.body());
            assertThat(body.get("status").asText()).isEqualTo("READY");
            assertThat(body.get("role").asText()).isEqualTo("gateway");
            assertThat(body.get("degraded").toString()).isEqualTo("[\"writer\"]");
            assertThat(body.at("/checks/kafka/gating").asBoolean()).isTrue();
            assertThat(body.at("/checks/writer/gating").asBoolean()).isFalse();
            assertThat(body.at("/checks/writer/reason").asText()).isNotBlank();
            assertThat(body.at("/checks/issuer/ready").asBoolean()).isTrue();
            assertThat(body.at("/checks/issuer/gating").asBoolean()).isFalse();
            HttpResponse<String> plain = TestHttp.get(base + "/health/ready");
            assertThat(plain.statusCode()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(plain.body())).as("the public answer: no checks, no reasons")
                    .isEqualTo(Json.MAPPER.readTree("{\"status\":\"READY\"}"));
            assertThat(get(system.issuerUrl() + "/health/ready").statusCode()).as("the issuer's own port gates on the issuer").isEqualTo(200);

            assertWriterAloneIsNotReady();
        } finally {
            proxy.restore();
        }
        EveryCheckReady.await(base + "/health/ready", TOKEN, Duration.ofSeconds(30));
        await("the coupon decided during the outage is in the table", () -> database.count(
                "SELECT count(*) FROM coupon WHERE event_id = '" + EVENT + "'") == 1);
    }

    /** A writer process of its own, on the same cut database: its port gates on it. */
    private static void assertWriterAloneIsNotReady() throws Exception {
        try (InProcessSystem.WriterAlone writer = system.startWriterAlone("readiness-it-writer-only")) {
            HttpResponse<String> ready = await("the writer alone finds the database unreachable",
                    writer.url() + "/health/ready",
                    body -> body.at("/checks/writer/reason").asText().contains("unreachable"));
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
            JsonNode body = Json.MAPPER.readTree(ready.body());
            assertThat(body.get("status").asText()).isEqualTo("NOT_READY");
            assertThat(body.get("role").asText()).isEqualTo("writer");
            assertThat(body.get("degraded").toString()).isEqualTo("[\"writer\"]");
            assertThat(body.at("/checks/writer/gating").asBoolean()).isTrue();
        }
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.holds()) {
            assertThat(System.nanoTime()).as("timed out waiting until %s", what).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** Polls {@code url} until its JSON body satisfies {@code done}; returns that answer. */
    private static HttpResponse<String> await(String what, String url, Predicate<JsonNode> done) throws Exception {
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        await(what, () -> {
            try {
                last.set(get(url));
            } catch (IOException e) {
                return false; // not listening yet
            }
            return done.test(Json.MAPPER.readTree(last.get().body()));
        });
        return last.get();
    }

    /** With the admin token: the gateway's API port lists the checks only with it (?detail); the others ignore it. */
    private static HttpResponse<String> get(String url) throws Exception {
        return TestHttp.getAsAdmin(url, TOKEN);
    }

    private static HttpResponse<String> post(String path, String body, boolean admin) throws Exception {
        return TestHttp.post(base + path, body, admin ? TOKEN : null);
    }

}
