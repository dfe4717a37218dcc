package io.couponissuer.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.couponissuer.config.Setting;
import io.couponissuer.json.Json;
import io.couponissuer.kafka.Topics;
import io.couponissuer.testing.Burst;
import io.couponissuer.testing.DebianTool;
import io.couponissuer.testing.EveryCheckReady;
import io.couponissuer.testing.InProcessSystem;
import io.couponissuer.testing.KafkaBrokerExtension;
import io.couponissuer.testing.TestDatabase;
import io.couponissuer.testing.TestHttp;
import io.couponissuer.tools.local.cluster.FreePort;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's kit against the real thing: a real Prometheus (Debian's package) scrapes the running
 * system with the repository's alert rules loaded; a burst sells an event out and a hostile producer's
 * records land on coupon.failed. Then every query of the Grafana dashboard returns series, every
 * series an alert rule names is exported, and exactly the alerts those two raise are pending or firing.
 */
class MonitoringIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(3);
    @RegisterExtension
    static final TestDatabase database = TestDatabase.perClass();

    private static final String TOKEN = "monitoring-it-token";
    private static final String SOLD_OUT = "flash-monitored";
    private static final String OPEN = "open-monitored";
    private static final Path DASHBOARD = Path.of("ops/grafana/dashboards/coupon-issuer.json");
    /** What the burst and the fault must raise, and all that may be raised. */
    private static final Set<String> EXPECTED_ALERTS = Set.of("CouponEventSoldOut", "CouponFailedRecords");

    private static InProcessSystem system;
    /** What the burst's clients were told, by answer (ISSUED, PENDING or the reason). */
    private static final Map<String, Long> TOLD = new TreeMap<>();
    private static Process prometheus;
    private static String prometheusUrl;

    @BeforeAll
    static void start() throws Exception {
        Path binary = DebianTool.require("prometheus", "prometheus");
        int managementPort = FreePort.next();
        system = InProcessSystem.start(KAFKA.settings()
                .with(Setting.COUPON_JDBC_URL, database.jdbcUrl())
                .with(Setting.COUPON_ADMIN_TOKEN, TOKEN)
                .with(Setting.COUPON_MANAGEMENT_PORT, managementPort)
                .with(Setting.COUPON_LAG_INTERVAL_MS, 500));
        // The operators' port lists every check to anyone; the API port only to the admin.
        EveryCheckReady.await("http://127.0.0.1:" + managementPort + "/health/ready", null, Duration.ofSeconds(60));

        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "monitoring-it");
        Path config = dir.resolve("prometheus.yml");
        // As ops/prometheus/prometheus.yml, for the one process this test runs, scraped every second.
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: coupon-dev
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(PrometheusRulesTest.RULES.toAbsolutePath(), managementPort));
        int port = FreePort.next();
        prometheusUrl = "http://127.0.0.1:" + port;
        prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        await("Prometheus scrapes the system", Duration.ofSeconds(60),
                () -> query("up{job=\"coupon-dev\"} == 1"), result -> result.size() == 1);

        TestHttp.post(system.gatewayUrl() + "/api/events", "{\"eventId\":\"" + SOLD_OUT + "\",\"cap\":5}", TOKEN);
        TestHttp.post(system.gatewayUrl() + "/api/events", "{\"eventId\":\"" + OPEN + "\",\"cap\":100000}", TOKEN);
        // coupon.failed's offsets are in Prometheus before anything lands there, so their rise is seen.
        await("coupon.failed's end offsets scraped", Duration.ofSeconds(30),
                () -> query("kafka_partition_latest_offset{topic=\"coupon.failed\"}"), result -> result.size() == 3);

        try (Burst burst = Burst.start(system.gatewayUrl(), List.of(SOLD_OUT, OPEN), 8, 200, 10, "mon-", 2000)) {
            burst.awaitAccepted(600, Duration.ofSeconds(60));
            burst.stop();
            assertThat(burst.unexpected()).isEmpty();
            burst.accepted().values().stream().filter(Burst.Accepted::pending).forEach(a -> TOLD.merge("PENDING", 1L, Long::sum));
            burst.answered().values().forEach(a -> TOLD.merge(a.reason() != null ? a.reason() : a.status(), 1L, Long::sum));
        }
        // The fault: a producer that can reach the broker writes what no gateway would.
        try (KafkaProducer<byte[], byte[]> hostile = KAFKA.producer(new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 3; i++) {
                hostile.send(new ProducerRecord<>(Topics.APPLY_REQUESTS.name(), SOLD_OUT.getBytes(StandardCharsets.UTF_8),
                        "{not an application".getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor(10, TimeUnit.SECONDS);
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    void theBurstAndTheFaultRaiseTheirAlertsAndNoOthers() throws Exception {
        Map<String, List<JsonNode>> active = await("exactly " + EXPECTED_ALERTS + " pending or firing", Duration.ofSeconds(90),
                MonitoringIT::activeAlerts, alerts -> alerts.keySet().equals(EXPECTED_ALERTS));
        assertThat(active.get("CouponEventSoldOut")).extracting(alert -> alert.get("labels").get("event").asText())
                .containsExactly(SOLD_OUT);
        assertThat(active.get("CouponEventSoldOut").get(0).get("labels").get("severity").asText()).isEqualTo("info");
        assertThat(active.get("CouponFailedRecords").get(0).get("labels").get("topic").asText()).isEqualTo("coupon.failed");
    }

    @Test
    void theApplicationsCounterHoldsWhatTheClientsWereTold() throws Exception {
        assertThat(TOLD).containsKeys("ISSUED", "SOLD_OUT");
        await("coupon_gateway_applications_total equal to the burst's answers " + TOLD, Duration.ofSeconds(30), () -> {
            Map<String, Long> exported = new TreeMap<>();
            for (JsonNode series : query("coupon_gateway_applications_total > 0")) {
                exported.put(series.get("metric").get("answer").asText(), Math.round(series.get("value").get(1).asDouble()));
            }
            return exported;
        }, TOLD::equals);
    }

    @Test
    void everyDashboardQueryReturnsSeries() throws Exception {
        JsonNode dashboard = Json.MAPPER.readTree(Files.readString(DASHBOARD));
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(panel.get("datasource").get("uid").asText()).as(panel.get("title").asText()).isEqualTo("${datasource}");
            panel.get("targets").forEach(target -> queries.add(target.get("expr").asText()));
        }
        assertThat(queries).hasSizeGreaterThan(15);
        // ALERTS has series once the burst's and the fault's alerts are raised.
        await("alerts raised", Duration.ofSeconds(90), MonitoringIT::activeAlerts, alerts -> alerts.keySet().containsAll(EXPECTED_ALERTS));
        Map<String, Integer> empty = new TreeMap<>();
        for (String expr : queries) {
            String asGrafanaSends = expr.replace("$__rate_interval", "1m");
            int series = query(asGrafanaSends).size();
            if (series == 0) {
                empty.put(expr, series);
            }
        }
        assertThat(empty).as("dashboard queries without series").isEmpty();
    }

    @Test
    void everyAlertExpressionEvaluatesAndEverySeriesItNamesIsExported() throws Exception {
        Set<String> missing = new TreeSet<>();
        Set<String> named = new TreeSet<>();
        for (Map<String, Object> alert : PrometheusRulesTest.alerts()) {
            String expr = (String) alert.get("expr");
            query(expr); // Prometheus evaluates it (whether it holds now is the other test's part)
            Set<String> metrics = metricNames(expr);
            assertThat(metrics).as(alert.get("alert") + " names a series").isNotEmpty();
            named.addAll(metrics);
        }
        for (String metric : named) {
            if (query("count(" + metric + ")").isEmpty()) {
                missing.add(metric);
            }
        }
        assertThat(named).contains("coupon_consumergroup_status", "coupon_writer_db_connected", "up");
        assertThat(missing).as("series named by alerts.yml that the running system does not export").isEmpty();
    }

    @Test
    void theMetricNamesOfAnExpressionAreFoundAndNothingElse() {
        assertThat(metricNames("sum by (job, instance) (rate(a_total{status=\"503\", route!=\"/x\"}[5m]))"
                + " / sum by (job) (rate(b_count[5m])) > 0.01 and on(job) c == 1 or increase(d[30m]) > 0"))
                .containsExactlyInAnyOrder("a_total", "b_count", "c", "d");
        assertThat(metricNames("jvm_gc_live_data_size_bytes / (jvm_gc_max_data_size_bytes > 0) > 0.85"))
                .containsExactlyInAnyOrder("jvm_gc_live_data_size_bytes", "jvm_gc_max_data_size_bytes");
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset");

    /** The metric names a PromQL expression selects: its identifiers but functions, keywords and label lists. */
    static Set<String> metricNames(String expr) {
        String bare = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            String token = m.group();
            boolean call = bare.substring(m.end()).stripLeading().startsWith("(");
            boolean number = m.start() > 0 && Character.isDigit(bare.charAt(m.start() - 1));
            if (!call && !number && !KEYWORDS.contains(token)) {
                names.add(token);
            }
        }
        return names;
    }

    /** The alerts pending or firing now, by name. */
    private static Map<String, List<JsonNode>> activeAlerts() throws IOException, InterruptedException {
        JsonNode body = get("/api/v1/alerts");
        Map<String, List<JsonNode>> byName = new TreeMap<>();
        for (JsonNode alert : body.get("data").get("alerts")) {
            if (Set.of("pending", "firing").contains(alert.get("state").asText())) {
                byName.computeIfAbsent(alert.get("labels").get("alertname").asText(), name -> new ArrayList<>()).add(alert);
            }
        }
        return byName;
    }

    /** An instant query's result vector. */
    private static List<JsonNode> query(String promql) throws IOException, InterruptedException {
        JsonNode body = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        assertThat(body.get("status").asText()).as(promql + ": " + body).isEqualTo("success");
        List<JsonNode> result = new ArrayList<>();
        body.get("data").get("result").forEach(result::add);
        return result;
    }

    private static JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = TestHttp.send(HttpRequest.newBuilder(URI.create(prometheusUrl + path)).GET());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body());
    }

    interface Probe<T> {
        T read() throws Exception;
    }

    private static <T> T await(String what, Duration timeout, Probe<T> probe, Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        Exception error = null;
        while (System.nanoTime() < deadline) {
            try {
                last = probe.read();
                error = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (Exception | AssertionError e) {
                error = e instanceof Exception ex ? ex : new IllegalStateException(e);
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out waiting for: " + what + "; last seen: "
                + (last instanceof Map<?, ?> m ? m.keySet() : last), error);
    }
}
