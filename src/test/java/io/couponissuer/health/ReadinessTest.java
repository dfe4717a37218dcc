package io.couponissuer.health;

import io.couponissuer.testing.TestHttp;
import io.couponissuer.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How /health/ready composes the roles of one process, without a broker: the role the port serves
 * gates it, the others it runs (dev, all) are listed with their reasons and do not.
 */
class ReadinessTest {
    private final AtomicInteger kafkaAsked = new AtomicInteger();
    private volatile HealthCheck.Result kafka = HealthCheck.Result.ready("kafka");
    private volatile HealthCheck.Result writer = HealthCheck.Result.ready("writer");
    private final HealthCheck kafkaCheck = () -> {
        kafkaAsked.incrementAndGet();
        return kafka;
    };
    private final RoleChecks writerRole = new RoleChecks("writer", List.of(kafkaCheck, () -> writer));
    /** As CouponSystem builds it in dev and all: the API gates, the writer is shown. */
    private final Readiness gateway = new Readiness(new RoleChecks("gateway", List.of(kafkaCheck)), List.of(writerRole));
    private Javalin server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aFailingCheckOfAnotherRoleIsListedButTheApiStaysReady() throws Exception {
        writer = HealthCheck.Result.notReady("writer", "recovering from connection refused");

        HttpResponse<String> ready = get(serve(gateway));

        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode body = Json.MAPPER.readTree(ready.body());
        assertThat(body.get("status").asText()).isEqualTo("READY");
        assertThat(body.get("role").asText()).isEqualTo("gateway");
        assertThat(body.get("degraded").toString()).isEqualTo("[\"writer\"]");
        assertThat(body.at("/checks/kafka/ready").asBoolean()).isTrue();
        assertThat(body.at("/checks/kafka/gating").asBoolean()).as("the gateway needs it").isTrue();
        assertThat(body.at("/checks/writer/ready").asBoolean()).isFalse();
        assertThat(body.at("/checks/writer/gating").asBoolean()).isFalse();
        assertThat(body.at("/checks/writer/reason").asText()).isEqualTo("recovering from connection refused");
        assertThat(body.has("ready")).as("the top level keeps its old fields").isFalse();
        assertThat(kafkaAsked).as("asked once though two roles need it").hasValue(1);
    }

    @Test
    void aFailingGatingCheckIsNotReady() throws Exception {
        kafka = HealthCheck.Result.notReady("kafka", "unreachable at 127.0.0.1:1");

        HttpResponse<String> ready = get(serve(gateway));

        assertThat(ready.statusCode()).isEqualTo(503);
        JsonNode body = Json.MAPPER.readTree(ready.body());
        assertThat(body.get("status").asText()).isEqualTo("NOT_READY");
        assertThat(body.get("degraded").toString()).isEqualTo("[\"gateway\",\"writer\"]");
        assertThat(body.at("/checks/kafka/reason").asText()).isEqualTo("unreachable at 127.0.0.1:1");
        assertThat(body.at("/checks/writer/ready").asBoolean()).isTrue();
    }

    @Test
    void theWriterAloneGatesOnItsDatabase() {
        writer = HealthCheck.Result.notReady("writer", "PostgreSQL is unreachable");

        Readiness.Report report = Readiness.of(writerRole).report();

        assertThat(report.ready()).isFalse();
        assertThat(report.degraded()).containsExactly("writer");
        assertThat(report.checks().get("writer")).isEqualTo(new Readiness.Check(false, "PostgreSQL is unreachable", true));
        assertThat(report.checks().get("kafka")).isEqualTo(new Readiness.Check(true, "ok", true));
    }

    private int serve(Readiness readiness) {
        server = Javalin.create(cfg -> {
            cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            cfg.startup.showJavalinBanner = false;
            HealthAndMetricsRoutes.register(cfg, readiness, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        }).start("127.0.0.1", 0);
        return server.port();
    }

    private static HttpResponse<String> get(int port) throws Exception {
        return TestHttp.get("http://127.0.0.1:" + port + "/health/ready");
    }
}
