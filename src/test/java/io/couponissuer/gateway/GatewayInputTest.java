package io.couponissuer.gateway;

import io.couponissuer.testing.TestHttp;
import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.tools.local.cluster.FreePort;
import io.couponissuer.health.KafkaConnectivity;
import io.couponissuer.health.Readiness;
import io.couponissuer.health.RoleChecks;
import io.couponissuer.json.Json;
import io.couponissuer.message.StandingDecision;
import io.couponissuer.ops.OpsPage;
import io.couponissuer.ops.OpsSummary;
import io.couponissuer.query.EventStatus;
import io.couponissuer.query.IssuerQueries;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway when Kafka does not answer: a bounded 503, never a hang or a 202. It points at a port
 * where no broker listens. (Hostile input on a real broker: HostileHttpInputIT.)
 */
class GatewayInputTest {
    static final String TOKEN = "test-admin-token";
    static GatewayServer gateway;
    static CommandPublisher publisher;
    static DecisionWaiter waiter;
    static KafkaConnectivity kafka;

    /** The issuer stores, as far as these tests need them: nothing is known. */
    static final IssuerQueries NOTHING_KNOWN = new IssuerQueries() {
        @Override
        public Optional<StandingDecision> standingDecision(String eventId, String userId) {
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

        @Override
        public java.util.concurrent.CompletableFuture<Optional<io.couponissuer.message.Decision>> awaitDecision(String eventId,
                                                                                                  String userId, String requestId, int waitMs) {
            return java.util.concurrent.CompletableFuture.completedFuture(Optional.empty());
        }
    };

    @BeforeAll
    static void start() throws Exception {
        int deadPort = FreePort.next(); // nothing listens there
        Settings settings = Settings.from(Map.of()).with(Setting.COUPON_RECORD_KEYS, io.couponissuer.testing.CouponCluster.RECORD_KEYS)
                .with(Setting.KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:" + deadPort)
                .with(Setting.COUPON_HTTP_PORT, 0)
                .with(Setting.COUPON_ADMIN_TOKEN, TOKEN)
                .with(Setting.COUPON_GATEWAY_SEND_TIMEOUT_MS, 1500)
                .with(Setting.COUPON_GATEWAY_BATCH_MS, 50); // applications sent together share a record
        publisher = new CommandPublisher(settings);
        waiter = new DecisionWaiter(settings); // never started: these requests never wait for a decision
        kafka = new KafkaConnectivity(settings).start();
        gateway = gatewayWithoutIssuers(settings, publisher, waiter, kafka).start();
    }

    /** A gateway whose issuers know nothing, on these settings (a broker that may not be there). */
    static GatewayServer gatewayWithoutIssuers(Settings settings, CommandPublisher publisher, DecisionWaiter waiter,
                                               KafkaConnectivity kafka) {
        // A pool that opens no connection until a request needs one (none here does), closed with the JVM.
        // Never started either: with no broker it cannot prove an event absent, so applications go to the broker.
        return new GatewayServer(settings, publisher, waiter,
                new io.couponissuer.kafka.CommittedEvents(settings, "gateway-input-test"),
                new EdgeRejections(settings, waiter.id(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)), NOTHING_KNOWN,
                new io.couponissuer.db.CouponLedgerReader(io.couponissuer.db.CouponDataSource.forOccasionalReads(settings,
                        "gateway-input-test")),
                Readiness.of(new RoleChecks("gateway", List.of(kafka))),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC(),
                new OpsPage(() -> OpsSummary.notSampledYet(Instant.now()))::register);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        publisher.close();
        kafka.close();
    }

    static HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        HttpResponse<String> response = TestHttp.send(request);
        CONTRACT.checkAnswer("POST", path, response); // every answer as the OpenAPI document says
        return response;
    }

    static HttpResponse<String> get(String path) throws Exception {
        HttpResponse<String> response = TestHttp.get("http://127.0.0.1:" + gateway.port() + path);
        CONTRACT.checkAnswer("GET", path, response);
        return response;
    }

    static HttpResponse<String> getAsAdmin(String path) throws Exception {
        HttpResponse<String> response = TestHttp.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.port() + path)).header("Authorization", "Bearer " + TOKEN).GET());
        CONTRACT.checkAnswer("GET", path, response);
        return response;
    }

    static final io.couponissuer.testing.OpenApiContract CONTRACT = io.couponissuer.testing.OpenApiContract.load();

    static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    @Test
    void kafkaUnreachableIsA503WithRetryAfterWithinTheSendTimeout() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = post("/api/events/spring-sale/applications", "{\"userId\":\"u-1\"}", JSON);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains("1");
        JsonNode error = Json.MAPPER.readTree(response.body());
        assertThat(error.path("error").asText()).isEqualTo("broker_unavailable");
        assertThat(java.util.UUID.fromString(error.path("correlationId").asText())).as("the log line's id").isNotNull();
        assertThat(response.body()).as("nothing of the inside").doesNotContain("Exception").doesNotContain("127.0.0.1");
        assertThat(tookMs).as("bounded by the send timeout (1.5 s) plus margin").isLessThan(5_000);
    }

    @Test
    void everyClientOfABatchTheBrokerDoesNotTakeGetsItsOwn503() throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sent.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                            + "/api/events/batch-sale/applications?waitMs=1000")).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"u-" + i + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (var response : sent) {
            assertThat(response.get().statusCode()).as(response.get().body()).isEqualTo(503);
            assertThat(Json.MAPPER.readTree(response.get().body()).path("error").asText()).isEqualTo("broker_unavailable");
        }
        // They shared records: a gateway that sent each on its own would pass the lines above too.
        String metrics = io.couponissuer.testing.TestHttp.getAsAdmin("http://127.0.0.1:" + gateway.port() + "/metrics", TOKEN).body();
        double largest = metrics.lines().filter(line -> line.startsWith("coupon_gateway_batch_applications_max "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).max().orElse(0);
        assertThat(largest).as("applications in the largest record sent").isGreaterThan(1);
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
    void liveButNotReadyWhileKafkaIsUnreachableAndMetricsAnswer() throws Exception {
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(Json.MAPPER.readTree(ready.body())).as("the public learns the component, not its reason")
                .isEqualTo(Json.MAPPER.readTree("{\"status\":\"NOT_READY\",\"component\":\"kafka\"}"));
        assertThat(get("/health/ready?detail").statusCode()).as("details without the token").isEqualTo(401);

        HttpResponse<String> detailed = getAsAdmin("/health/ready?detail");
        assertThat(detailed.statusCode()).isEqualTo(503);
        JsonNode kafkaCheck = Json.MAPPER.readTree(detailed.body()).path("checks").path("kafka");
        assertThat(kafkaCheck.path("ready").asBoolean(true)).isFalse();
        assertThat(kafkaCheck.path("reason").asText()).contains("127.0.0.1:");

        assertThat(get("/metrics").statusCode()).as("on the API port, metrics need the token").isEqualTo(401);
        HttpResponse<String> metrics = getAsAdmin("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("coupon_gateway_requests_seconds");
    }

    @Test
    void theOpsPageShellIsPublicButItsDataNeedTheTokenOnTheApiPort() throws Exception {
        assertThat(get("/ops").statusCode()).isEqualTo(200);
        assertThat(get("/ops/ops.js").statusCode()).isEqualTo(200);
        HttpResponse<String> summary = get("/api/ops/summary");
        assertThat(summary.statusCode()).isEqualTo(401);
        assertThat(summary.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(getAsAdmin("/api/ops/summary").statusCode()).isEqualTo(200);
    }

    @Test
    void largeJsonAnswersAreGzippedWhenAskedAndSmallOnesAreNot() throws Exception {
        HttpRequest.Builder document = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                + OpenApiDocument.PATH)).header("Accept-Encoding", "gzip").GET();
        HttpResponse<byte[]> large = java.net.http.HttpClient.newHttpClient().send(document.build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(large.statusCode()).isEqualTo(200);
        assertThat(large.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(large.headers().firstValue("Content-Encoding")).as("a large JSON answer").contains("gzip");
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(large.body()))) {
            assertThat(Json.MAPPER.readTree(in).path("openapi").asText()).as("the document, unpacked").startsWith("3.");
        }

        HttpRequest.Builder small = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                + "/api/events/nope")).header("Accept-Encoding", "gzip").GET();
        HttpResponse<String> notFound = TestHttp.send(small);
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.headers().firstValue("Content-Encoding")).as("a small answer goes as it is").isEmpty();
        assertThat(Json.MAPPER.readTree(notFound.body()).path("status").asText()).isEqualTo("UNKNOWN");

        HttpResponse<byte[]> plain = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.port() + OpenApiDocument.PATH)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(plain.headers().firstValue("Content-Encoding")).as("not asked for").isEmpty();
        assertThat(Json.MAPPER.readTree(plain.body()).path("openapi").asText()).startsWith("3.");
    }
}
