package io.couponissuer.ops;

import io.couponissuer.testing.DebianTool;
import io.couponissuer.testing.TestHttp;
import io.couponissuer.config.Setting;
import io.couponissuer.json.Json;
import io.couponissuer.kafka.Topics;
import io.couponissuer.testing.HangingTransactionMaker;
import io.couponissuer.testing.InProcessSystem;
import io.couponissuer.testing.KafkaBrokerExtension;
import io.couponissuer.testing.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole system in this JVM (real broker, real PostgreSQL), an event sold out, and the /ops page
 * loaded in a real headless Chromium; plus /metrics and the writer-only role's health server.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpsPageIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(3, HangingTransactionMaker.BROKER_OVERRIDES);

    private static final String TOKEN = "ops-it-token";
    private static final String EVENT = "flash-ops";
    private static final int CAP = 5;
    private static final int APPLICANTS = 8;

    @RegisterExtension
    static final TestDatabase database = TestDatabase.perClass();
    private static InProcessSystem system;
    private static String base;

    @BeforeAll
    static void startAndSellOut() throws Exception {
        system = InProcessSystem.start(KAFKA.settings()
                .with(Setting.COUPON_JDBC_URL, database.jdbcUrl())
                .with(Setting.COUPON_ADMIN_TOKEN, TOKEN)
                .with(Setting.COUPON_LAG_INTERVAL_MS, 300)
                .with(Setting.COUPON_HANGING_TXN_CHECK_MS, 500));
        base = system.gatewayUrl();

        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(base + "/api/events"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"eventId\":\"" + EVENT + "\",\"cap\":" + CAP + "}")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        for (int i = 1; i <= APPLICANTS; i++) {
            HttpResponse<String> applied = send(HttpRequest.newBuilder(URI.create(base + "/api/events/" + EVENT + "/applications"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"u-" + i + "\"}")));
            assertThat(applied.statusCode()).as(applied.body()).isEqualTo(202);
        }
        // Sold out, stored by the writer, and the sampler has seen it all with the writer caught up.
        await("summary shows the event sold out and both groups caught up", () -> summary(), summary ->
                summary.get("events").size() == 1
                        && summary.get("events").get(0).get("issued").asLong() == CAP
                        && summary.get("lag") != null
                        && summary.get("lag").get("groups").findValues("lag").stream().allMatch(lag -> lag.asLong() == 0));
    }

    @AfterAll
    static void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void theOpsPageShowsTheEventAndTheGroupsInAHeadlessBrowser() throws Exception {
        DebianTool.require("chromium", "chromium chromium-driver");
        // No COUPON_MANAGEMENT_PORT: the page shares the API's port, so its data need the admin token.
        String withoutToken = chromium("--dump-dom", "--virtual-time-budget=5000", base + "/ops");
        assertThat(withoutToken).as("no token: the page asks for it and shows no figure")
                .doesNotContain("data-loaded").doesNotContain("data-event=").containsPattern("<form id=\"token-form\">");
        String dom = chromium("--dump-dom", "--virtual-time-budget=8000", base + "/ops#token=" + TOKEN);
        assertThat(dom).contains("data-loaded=\"true\"");
        assertThat(dom).containsPattern("<tr data-event=\"" + EVENT + "\"><td class=\"event-id\"><a class=\"winners-link\""
                + " href=\"/ops\\?winners=" + EVENT + "\">" + EVENT + "</a></td><td class=\"issued\">5 / 5</td>.*?"
                + "<td class=\"remaining\">0</td>.*?</tr>");
        assertThat(dom).contains("data-key=\"group-coupon-issuer\"").contains("data-key=\"group-coupon-writer\"");
        assertThat(dom).containsPattern("data-series=\"coupon-writer\"");
        assertThat(dom).containsPattern("data-key=\"accepted\"><div>accepted</div><div class=\"value \">[0-9.]+</div>");

        Path screenshot = Path.of("target", "ops-page.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        chromium("--screenshot=" + screenshot, "--window-size=1200,900", "--virtual-time-budget=8000",
                base + "/ops#token=" + TOKEN);
        assertThat(screenshot).exists();
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    /** Each event links to its winners; the page shows them from the table once it has the admin token. */
    @Test
    void theOpsPageLinksEachEventToItsWinners() throws Exception {
        DebianTool.require("chromium", "chromium chromium-driver");
        // The token in the fragment, as an operator's bookmark would carry it: it never reaches the server.
        String dom = chromium("--dump-dom", "--virtual-time-budget=8000", base + "/ops?winners=" + EVENT + "#token=" + TOKEN);
        assertThat(dom).contains("<a class=\"winners-link\" href=\"/ops?winners=" + EVENT + "\">");
        assertThat(dom).contains("data-winners-loaded=\"true\"");
        assertThat(dom).containsPattern("<span id=\"winners-event\">" + EVENT + "</span>");
        for (int seq = 1; seq <= CAP; seq++) {
            assertThat(dom).containsPattern("<tr data-seq=\"" + seq + "\"><td>" + seq + "</td><td>" + EVENT + "-" + seq
                    + "</td><td>u-\\d+</td>");
        }
        assertThat(dom).contains("data-pending=\"0\"");

        String withoutToken = chromium("--dump-dom", "--virtual-time-budget=5000", base + "/ops?winners=" + EVENT);
        assertThat(withoutToken).as("no token: the page asks for it and shows no winner")
                .doesNotContain("data-winners-loaded").containsPattern("<form id=\"token-form\">");
    }

    @Test
    void theSummaryAgreesWithTheDatabaseAndTheStores() throws Exception {
        JsonNode summary = summary();
        JsonNode event = summary.get("events").get(0);
        assertThat(event.get("eventId").asText()).isEqualTo(EVENT);
        assertThat(event.get("remaining").asLong()).isZero();
        assertThat(database.count("SELECT count(*) FROM coupon WHERE event_id = '" + EVENT + "'")).isEqualTo(CAP);
        // The writer read a transactional topic to its end: lag 0 and OK, not the marker's 1.
        JsonNode writer = summary.get("lag").get("groups").get(1);
        assertThat(writer.get("group").asText()).isEqualTo("coupon-writer");
        assertThat(writer.get("status").asText()).isEqualTo("OK");
        assertThat(summary.get("history").size()).isGreaterThan(1);
    }

    @Test
    void metricsCarryLagEventCountsRejectionsStreamsStateAndTheWriter() throws Exception {
        // Processor-node metrics appear when the binder next looks for new metrics (every 10 s).
        String metrics = await("end-to-end latency in /metrics",
                () -> send(asAdmin(base + "/metrics")).body(),
                body -> body.contains("kafka_stream_processor_node_record_e2e_latency_avg{"));
        Files.writeString(Path.of("target", "ops-metrics.txt"), metrics);
        assertThat(metrics)
                .containsPattern("(?m)^kafka_consumergroup_group_lag\\{group=\"coupon-issuer\",partition=\"\\d\",topic=\"coupon.apply-requests\"} 0\\.0$")
                .containsPattern("(?m)^kafka_consumergroup_group_lag_seconds\\{group=\"coupon-writer\",partition=\"\\d\",topic=\"coupon.issued\"} 0\\.0$")
                .containsPattern("(?m)^coupon_consumergroup_status\\{group=\"coupon-writer\"} 0\\.0$")
                .containsPattern("(?m)^coupon_event_issued\\{event=\"" + EVENT + "\"} 5\\.0$")
                .containsPattern("(?m)^coupon_event_remaining\\{event=\"" + EVENT + "\"} 0\\.0$")
                .containsPattern("(?m)^coupon_issuer_rejections_total\\{event=\"" + EVENT + "\",reason=\"SOLD_OUT\"} 3\\.0$")
                .containsPattern("(?m)^coupon_issuer_streams_state\\{state=\"RUNNING\"} 1\\.0$")
                .containsPattern("(?m)^coupon_writer_rows_total\\{result=\"inserted\"} 5\\.0$")
                .containsPattern("(?m)^coupon_writer_db_commit_seconds_count ")
                .containsPattern("(?m)^coupon_gateway_requests_seconds_count\\{.*route=\"/api/events/\\{eventId}/applications\".*status=\"202\"} 8")
                .containsPattern("(?m)^kafka_stream_thread_process_rate\\{")
                .containsPattern("(?m)^kafka_stream_processor_node_record_e2e_latency_avg\\{");
    }

    @Test
    void theWriterAloneServesHealthAndMetricsOnItsOwnPort() throws Exception {
        try (InProcessSystem.WriterAlone writer = system.startWriterAlone("ops-it-writer-only")) {
            String writerBase = writer.url();
            assertThat(send(HttpRequest.newBuilder(URI.create(writerBase + "/health/live")).GET()).statusCode()).isEqualTo(200);
            JsonNode ready = await("the writer-only process is ready", () -> Json.MAPPER.readTree(
                    send(HttpRequest.newBuilder(URI.create(writerBase + "/health/ready")).GET()).body()),
                    body -> "READY".equals(body.get("status").asText()));
            assertThat(ready.get("checks").has("writer")).isTrue();
            assertThat(ready.get("checks").has("kafka")).isTrue();
            assertThat(send(HttpRequest.newBuilder(URI.create(writerBase + "/metrics")).GET()).body())
                    .contains("coupon_writer_db_connected");
        }
    }

    /**
     * Last, because it leaves coupon.issued-2 stuck until it aborts it itself: a hanging transaction
     * that no look can prove (committed, but never with this partition) stays, and every surface
     * names it with its remedy: the summary behind /ops, /metrics, readiness and the page itself.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void aHangingTransactionIsNamedWithItsRemedyOnEverySurface() throws Exception {
        TopicPartition stuck = new TopicPartition(Topics.ISSUED.name(), 2);
        HangingTransactionMaker.Made made;
        try (Admin admin = KAFKA.admin()) {
            made = HangingTransactionMaker.make(KAFKA.bootstrapServers(), admin, HangingTransactionMaker.streamsTransactionalId(
                    KAFKA.settings().get(Setting.COUPON_APPLICATION_ID)), new TopicPartition(Topics.REJECTED.name(), 2),
                    stuck, true);
            try {
                JsonNode hanging = await("the summary lists the confirmed hanging transaction", () -> summary(),
                        summary -> summary.get("lag").get("hangingTransactions").size() == 1
                                && summary.get("lag").get("hangingTransactions").get(0).get("confirmed").asBoolean())
                        .get("lag").get("hangingTransactions").get(0);
                assertThat(hanging.get("topic").asText()).isEqualTo(stuck.topic());
                assertThat(hanging.get("startOffset").asLong()).isEqualTo(made.startOffset());
                assertThat(hanging.get("outcome").asText()).isEqualTo("COMMITTED");
                assertThat(hanging.get("detail").asText()).contains("kafka-transactions.sh");
                String metrics = await("the issuer's guard has refused it (it looks every 500 ms, confirms on the next look)",
                        () -> send(asAdmin(base + "/metrics")).body(),
                        body -> body.contains("coupon_hanging_transaction_repairs_total{result=\"refused\"} 1.0"));
                assertThat(metrics).containsPattern(
                        "(?m)^coupon_hanging_transaction_age_seconds\\{outcome=\"COMMITTED\",owner=\"OURS\",partition=\"2\",producer_id=\""
                                + made.producerId() + "\",topic=\"coupon.issued\"} \\d+")
                        .containsPattern("(?m)^coupon_consumergroup_status\\{group=\"coupon-writer\"} 5\\.0$")
                        .containsPattern("(?m)^coupon_hanging_transaction_repairs_total\\{result=\"refused\"} 1\\.0$");
                // On an output it stops the writer, not the issuer: the issuer's readiness stays 200 and
                // names it, and the gateway's lists it.
                String named = "hanging transaction on coupon.issued-2 from offset " + made.startOffset();
                HttpResponse<String> issuerReady = send(HttpRequest.newBuilder(URI.create(system.issuerUrl() + "/health/ready")).GET());
                assertThat(issuerReady.statusCode()).as(issuerReady.body()).isEqualTo(200);
                assertThat(issuerReady.body()).contains(named);
                assertThat(send(asAdmin(base + "/health/ready?detail")).body()).contains(named);
                assertThat(send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).GET()).body())
                        .as("the public readiness names no partition or remedy").doesNotContain("coupon.issued");
                if (DebianTool.find("chromium", "chromium chromium-driver").isPresent()) {
                    String dom = chromium("--dump-dom", "--virtual-time-budget=8000", base + "/ops#token=" + TOKEN);
                    assertThat(dom).containsPattern("<li class=\"status-HANGING\" data-partition=\"coupon.issued-2\">"
                            + "<div class=\"hanging-head\">coupon.issued-2 · producer " + made.producerId());
                }
            } finally {
                admin.abortTransaction(new AbortTransactionSpec(stuck, made.producerId(), made.producerEpoch(), 0)).all().get();
            }
        }
    }

    private static JsonNode summary() throws Exception {
        return Json.MAPPER.readTree(send(asAdmin(base + "/api/ops/summary")).body());
    }

    /** The gateway's operators' routes share the API port here: they need the admin token. */
    private static HttpRequest.Builder asAdmin(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN).GET();
    }

    /** Runs Chromium headless with the flags a test box needs and returns its standard output. */
    private static String chromium(String... args) throws Exception {
        Path profile = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chromium-profile");
        List<String> command = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile));
        command.addAll(List.of(args));
        Path output = profile.resolve("stdout.txt");
        Process process = new ProcessBuilder(command).redirectOutput(output.toFile())
                .redirectError(profile.resolve("stderr.txt").toFile()).start();
        try {
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(process.exitValue()).as(Files.readString(profile.resolve("stderr.txt"))).isZero();
        return Files.readString(output);
    }

    interface Probe<T> {
        T get() throws Exception;
    }

    private static <T> T await(String what, Probe<T> probe, Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = probe.get();
                if (done.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting until " + what + "; last: " + last);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return TestHttp.send(request);
    }

}
