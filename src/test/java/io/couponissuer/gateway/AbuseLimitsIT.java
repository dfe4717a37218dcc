package io.couponissuer.gateway;

import io.couponissuer.CouponSystem;
import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.tools.local.cluster.FreePort;
import io.couponissuer.json.Json;
import io.couponissuer.kafka.Topics;
import io.couponissuer.query.InstanceSecret;
import io.couponissuer.testing.KafkaBrokerExtension;
import io.couponissuer.testing.OpenApiContract;
import io.couponissuer.testing.TestHttp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's limits against abuse, on a real broker: a client over its rate is answered 429 with
 * Retry-After while another is served; a wait past the gateway's bound does not wait; a wait ends with
 * the ledger's answer and frees its slot. The gateway's COUPON_ISSUER_URL points at a stub issuer that
 * holds the gateway's answer stream without ever sending on it; a real issuer (its own
 * system in this JVM, whose store port the gateway does not know) decides, so the committed ledger
 * is what answers.
 */
class AbuseLimitsIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(3);
    static final String TOKEN = "abuse-token";
    static final String SECRET = "abuse-instance-secret";
    static final int HOLD_MS = 600;
    static final OpenApiContract CONTRACT = OpenApiContract.load();
    static StubIssuer stub;
    static CouponSystem issuer;
    static CouponSystem gateway;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        stub = new StubIssuer();
        Settings common = KAFKA.settings().with(Setting.COUPON_ADMIN_TOKEN, TOKEN).with(Setting.COUPON_INSTANCE_SECRET, SECRET).with(Setting.COUPON_RECORD_KEYS, io.couponissuer.testing.CouponCluster.RECORD_KEYS);
        int issuerPort = FreePort.next();
        issuer = CouponSystem.start(common.with(Setting.COUPON_ISSUER_HTTP_PORT, issuerPort)
                .with(Setting.COUPON_STATE_DIR, Path.of("target", "it-streams", "abuse-" + UUID.randomUUID()).toAbsolutePath()),
                EnumSet.of(CouponSystem.Role.ISSUER));
        gateway = CouponSystem.start(common.with(Setting.COUPON_HTTP_PORT, 0)
                .with(Setting.COUPON_ISSUER_URL, "http://127.0.0.1:" + stub.port())
                .with(Setting.COUPON_GATEWAY_CLIENT_RATE, 1)
                .with(Setting.COUPON_GATEWAY_CLIENT_BURST, 5)
                .with(Setting.COUPON_GATEWAY_THROTTLE_HOLD_MS, HOLD_MS)
                .with(Setting.COUPON_GATEWAY_MAX_THROTTLE_HOLDS, 1)
                .with(Setting.COUPON_GATEWAY_TRUSTED_PROXIES, "127.0.0.1")
                .with(Setting.COUPON_GATEWAY_MAX_WAITS, 1), EnumSet.of(CouponSystem.Role.GATEWAY));
        base = "http://127.0.0.1:" + gateway.gatewayPort();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (TestHttp.get("http://127.0.0.1:" + issuerPort + "/health/ready").statusCode() != 200) {
            assertThat(System.nanoTime()).as("issuer running").isLessThan(deadline);
            Thread.sleep(200);
        }
        HttpResponse<String> created = TestHttp.post(base + "/api/events", "{\"eventId\":\"abuse\",\"cap\":100}", TOKEN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    @AfterAll
    static void stop() throws IOException {
        for (AutoCloseable part : new AutoCloseable[]{gateway, issuer, stub}) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception e) {
                System.err.println("closing: " + e);
            }
        }
    }

    /** A request from {@code client}, as a trusted proxy in front of the gateway reports it. */
    static HttpResponse<String> apply(String client, String userId, int waitMs) throws Exception {
        String path = "/api/events/abuse/applications" + (waitMs > 0 ? "?waitMs=" + waitMs : "");
        HttpResponse<String> response = TestHttp.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").header("X-Forwarded-For", "198.51.100.9, " + client)
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + userId + "\"}")));
        CONTRACT.checkAnswer("POST", path, response);
        return response;
    }

    @Test
    void aClientOverItsRateGets429WithRetryAfterWhileAnotherIsServed() throws Exception {
        List<Integer> flood = new ArrayList<>();
        HttpResponse<String> refused = null;
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> response = apply("203.0.113.1", "flood-" + i, 0);
            flood.add(response.statusCode());
            if (response.statusCode() == 429) {
                refused = response;
            }
        }
        assertThat(flood).as("burst of 5, then 1 per second").contains(202).contains(429);
        assertThat(flood.stream().filter(s -> s == 202).count()).isLessThanOrEqualTo(8);
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        assertThat(Json.MAPPER.readTree(refused.body()).path("error").asText()).isEqualTo("too_many_requests");

        assertThat(apply("203.0.113.2", "calm-1", 0).statusCode()).as("another client, same moment").isEqualTo(202);
        // The left part of X-Forwarded-For is the client's own word: a flooder cannot pick a fresh identity with
        // it. A held 429 lets up to one token build up meanwhile, so of two more one is refused.
        assertThat(List.of(apply("203.0.113.1", "flood-x", 0).statusCode(), apply("203.0.113.1", "flood-y", 0).statusCode()))
                .contains(429);
    }

    @Test
    void a429IsHeldBackWhileTheGatewayHoldsFewerThanItsBoundAndSentAtOnceBeyond() throws Exception {
        String client = "203.0.113.6";
        for (int i = 0; i < 5; i++) {
            assertThat(apply(client, "held-" + i, 0).statusCode()).as("the burst").isEqualTo(202);
        }
        // Two over the rate at the same moment: the bound is one hold, so one waits HOLD_MS and one does not.
        List<CompletableFuture<Long>> refusals = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String userId = "held-over-" + i;
            refusals.add(CompletableFuture.supplyAsync(() -> {
                try {
                    long start = System.nanoTime();
                    HttpResponse<String> response = apply(client, userId, 0);
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
                    assertThat(response.headers().firstValue("Retry-After")).isPresent();
                    return (System.nanoTime() - start) / 1_000_000;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<Long> tookMs = refusals.stream().map(CompletableFuture::join).sorted().toList();
        assertThat(tookMs.get(0)).as("past the bound: at once").isLessThan(HOLD_MS);
        assertThat(tookMs.get(1)).as("held back").isGreaterThanOrEqualTo(HOLD_MS);
    }

    @Test
    void aWaitPastTheGatewaysBoundIsAnsweredAtOnceAndTheLedgersAnswerFreesItsSlot() throws Exception {
        // The gateway holds one answer stream to the stub issuer, which never sends on it: the ledger answers.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (stub.open.isEmpty()) {
            assertThat(System.nanoTime()).as("the gateway's answer stream reached the stub issuer").isLessThan(deadline);
            Thread.sleep(10);
        }
        assertThat(stub.open.values()).allSatisfy(line -> assertThat(line).contains("/internal/answers/"));
        // The one wait slot: the ledger answers it (the real issuer decides and commits), well before 8 s.
        // Until then the issuer reads no application, so the first wait holds the slot however fast it decides.
        KafkaProducer<String, String> hold = holdApplications();
        CompletableFuture<HttpResponse<String>> waiting;
        try {
            waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return apply("203.0.113.3", "waiter-1", 8000);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (waits() < 1) {
                assertThat(System.nanoTime()).as("the first wait holds the gateway's one slot").isLessThan(deadline);
                Thread.sleep(10);
            }
            long start = System.nanoTime();
            HttpResponse<String> second = apply("203.0.113.4", "waiter-2", 8000);
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(second.statusCode()).as(second.body()).isEqualTo(202);
            assertThat(Json.MAPPER.readTree(second.body()).path("status").asText()).isEqualTo("PENDING");
            assertThat(tookMs).as("no wait past the bound of 1").isLessThan(3000);
            assertThat(waiting).as("the first wait still waits").isNotDone();
        } finally {
            try (hold) { // closed even if the abort fails
                hold.abortTransaction();
            }
        }

        HttpResponse<String> first = waiting.get();
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(first.body()).path("status").asText()).isEqualTo("ISSUED");
        assertThat(stub.secrets).as("the gateway shows the instance secret").containsOnly(SECRET);
        deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (waits() > 0) {
            assertThat(System.nanoTime()).as("the slot freed once the ledger answered, not at the end of 8 s")
                    .isLessThan(deadline);
            Thread.sleep(10);
        }
        // The slot is back: the next wait waits (and is answered) again.
        HttpResponse<String> third = apply("203.0.113.5", "waiter-3", 8000);
        assertThat(third.statusCode()).as(third.body()).isEqualTo(200);
        assertThat(stub.open).as("one stream to the issuer, no request per waiting client").hasSize(1);
    }

    /**
     * An open transaction on every partition of the apply topic: a read_committed reader (the issuer)
     * reads nothing past it until it is aborted, so no application written meanwhile is decided.
     */
    private static KafkaProducer<String, String> holdApplications() {
        KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "abuse-hold-" + UUID.randomUUID()),
                new StringSerializer(), new StringSerializer());
        try {
            producer.initTransactions();
            producer.beginTransaction();
            String topic = Topics.APPLY_REQUESTS.name();
            for (PartitionInfo partition : producer.partitionsFor(topic)) {
                producer.send(new ProducerRecord<>(topic, partition.partition(), "hold", "never read")).get();
            }
            return producer;
        } catch (Exception e) {
            producer.close();
            throw new IllegalStateException("could not open the holding transaction", e);
        }
    }

    /** The gateway's ?waitMs waits in flight (coupon_gateway_waits). */
    private static double waits() throws Exception {
        return TestHttp.getAsAdmin(base + "/metrics", TOKEN).body().lines()
                .filter(line -> line.startsWith("coupon_gateway_waits "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /**
     * An issuer store port that answers every question 404 (no event known, no decision), holds every
     * answer stream without sending on it until its caller hangs up.
     */
    static final class StubIssuer implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final Map<Socket, String> open = new ConcurrentHashMap<>();
        final java.util.Set<String> secrets = ConcurrentHashMap.newKeySet();

        StubIssuer() throws IOException {
            Thread acceptor = new Thread(this::accept, "stub-issuer");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread connection = new Thread(() -> serve(socket), "stub-issuer-connection");
                    connection.setDaemon(true);
                    connection.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket socket) {
            try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    String requestLine = head.lines().findFirst().orElse("");
                    head.lines().filter(l -> l.regionMatches(true, 0, InstanceSecret.HEADER + ":", 0, InstanceSecret.HEADER.length() + 1))
                            .forEach(l -> secrets.add(l.substring(l.indexOf(':') + 1).trim()));
                    if (requestLine.contains("/answers/")) {
                        open.put(socket, requestLine);
                        try {
                            while (in.read() != -1) {
                                // a caller sends nothing more on a held request; it can only hang up
                            }
                        } catch (IOException hungUp) {
                            // reset: hung up as well
                        }
                        open.remove(socket);
                        return;
                    }
                    out.write("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 22\r\n\r\n{\"status\":\"UNKNOWN\"}\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException e) {
                // the caller went away between requests
            }
        }

        /** The request line and headers (no body: the gateway sends GETs only), or null at the end of the stream. */
        private static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int c;
            while ((c = in.read()) != -1) {
                head.append((char) c);
                if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                    return head.toString();
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : open.keySet()) {
                socket.close();
            }
        }
    }
}
