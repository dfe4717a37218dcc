package io.couponissuer.testing;

import io.couponissuer.tools.local.cluster.FreePort;
import io.couponissuer.tools.local.cluster.RoleProcess;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The whole system as separate OS processes on this machine: a broker process (so it can be stopped
 * and started), a gateway, issuers and a writer, each a {@link RoleProcess}, on free ports, with the
 * writer reaching PostgreSQL through a {@link TcpProxy} so a test can cut it off. Every process and
 * the proxy end in {@link #close()}.
 */
public final class CouponCluster implements AutoCloseable {
    public static final String ADMIN_TOKEN = "fault-test-token";
    /** COUPON_INSTANCE_SECRET of the gateway and the issuers (a separate one refuses to start without it). */
    public static final String INSTANCE_SECRET = "fault-test-instance-secret";
    /** COUPON_RECORD_KEYS of the gateway and the issuers. */
    public static final String RECORD_KEYS = "fault=" + "fault-test-record-key-".repeat(2);
    /** Partitions of every topic, unless a test asks for more. */
    public static final int PARTITIONS = 3;
    /** Generous: a dynamic member that rejoins waits out a dead member's session (45 s by Kafka's default). */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final Path dir;
    private final TestDatabase database;
    private final TcpProxy databaseProxy;
    private final int brokerPort = FreePort.next();
    private final int controllerPort = FreePort.next();
    private final int gatewayPort = FreePort.next();
    /** The writer process serves health and metrics when it runs without the gateway. */
    private final int writerPort = FreePort.next();
    private final Map<String, Integer> issuerPorts = new LinkedHashMap<>();
    private final Map<String, String> common;
    private final int partitions;
    private final List<RoleProcess> processes = new ArrayList<>();
    private List<String> jvmOptions = RoleProcess.SMALL_JVM;
    private RoleProcess broker;
    private RoleProcess gateway;
    private RoleProcess writer;
    private RoleProcess dev;
    private final Map<String, RoleProcess> issuers = new LinkedHashMap<>();

    /**
     * @param issuerIds           the issuer instances there will be (their ports are fixed now, so the
     *                            gateway knows them all); each is a static member with this id
     * @param sessionTimeoutMs    COUPON_SESSION_TIMEOUT_MS of issuers and writer
     */
    public CouponCluster(String name, TestDatabase database, List<String> issuerIds, int sessionTimeoutMs)
            throws IOException {
        this(name, database, issuerIds, sessionTimeoutMs, PARTITIONS);
    }

    /** @param partitions partitions of every topic (COUPON_TOPIC_PARTITIONS) */
    public CouponCluster(String name, TestDatabase database, List<String> issuerIds, int sessionTimeoutMs,
                         int partitions) throws IOException {
        this.partitions = partitions;
        this.dir = Path.of("target", "fault-it", name + "-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        this.database = database;
        this.databaseProxy = new TcpProxy("127.0.0.1", 5432);
        issuerIds.forEach(id -> issuerPorts.put(id, FreePort.next()));
        this.common = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers(),
                "COUPON_TOPIC_PARTITIONS", String.valueOf(partitions),
                "COUPON_ADMIN_TOKEN", ADMIN_TOKEN,
                "COUPON_INSTANCE_SECRET", INSTANCE_SECRET,
                "COUPON_RECORD_KEYS", RECORD_KEYS,
                // The tests' bursts come from one address and stand for many users: no per-client rate.
                "COUPON_GATEWAY_CLIENT_RATE", "0",
                "COUPON_SESSION_TIMEOUT_MS", String.valueOf(sessionTimeoutMs),
                // Kafka's own INFO lines (rebalances, restores, fencing) are the evidence when a test fails.
                "COUPON_KAFKA_LOG_LEVEL", "INFO");
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public String gatewayUrl() {
        return "http://127.0.0.1:" + gatewayPort;
    }

    public Path dir() {
        return dir;
    }

    public TcpProxy databaseProxy() {
        return databaseProxy;
    }

    public RoleProcess startBroker() {
        broker = track(RoleProcess.start("broker", List.of("broker"), BuildOutput.classpath(), jvmOptions, env(Map.of(
                "COUPON_BROKER_DIR", dir.resolve("kafka").toString(),
                "COUPON_BROKER_PORT", String.valueOf(brokerPort),
                "COUPON_BROKER_CONTROLLER_PORT", String.valueOf(controllerPort),
                "COUPON_KAFKA_LOG_LEVEL", "WARN")), dir));
        awaitBroker();
        return broker;
    }

    /** Waits for the broker's "ready" line (it prints it after creating the topics). */
    public Duration awaitBroker() {
        return broker.awaitLog("Kafka broker ready", START_TIMEOUT);
    }

    public RoleProcess startGateway() {
        String issuerUrls = issuerPorts.values().stream().map(port -> "http://127.0.0.1:" + port)
                .collect(Collectors.joining(","));
        gateway = track(RoleProcess.start("gateway", List.of("gateway"), BuildOutput.classpath(), jvmOptions, env(Map.of(
                "COUPON_HTTP_PORT", String.valueOf(gatewayPort),
                "COUPON_ISSUER_URL", issuerUrls)), dir));
        gateway.awaitHttpOk(gatewayUrl() + "/health/ready", START_TIMEOUT);
        return gateway;
    }

    /** JVM options of the processes started from now on (default {@link RoleProcess#SMALL_JVM}). */
    public CouponCluster jvmOptions(List<String> options) {
        this.jvmOptions = List.copyOf(options);
        return this;
    }

    /** Starts (or restarts) issuer {@code id}, a static member with that id, and waits until its streams are RUNNING. */
    public RoleProcess startIssuer(String id) {
        return startIssuer(id, Map.of("COUPON_INSTANCE_ID", id));
    }

    /**
     * Starts (or restarts) issuer {@code id} with these extra settings (they apply from its first
     * start on) and waits until its streams are RUNNING.
     */
    public RoleProcess startIssuer(String id, Map<String, String> extra) {
        RoleProcess issuer = issuers.get(id);
        if (issuer == null) {
            Map<String, String> own = new HashMap<>(Map.of(
                    "COUPON_STATE_DIR", dir.resolve("state-" + id).toString(),
                    "COUPON_ISSUER_HTTP_PORT", String.valueOf(issuerPorts.get(id)),
                    "COUPON_STANDBY_REPLICAS", "1"));
            own.putAll(extra);
            issuer = track(RoleProcess.start("issuer-" + id, List.of("issuer"), BuildOutput.classpath(), jvmOptions, env(own), dir));
            issuers.put(id, issuer);
        } else {
            issuer.start();
        }
        awaitIssuerRunning(id, START_TIMEOUT);
        return issuer;
    }

    public Duration awaitIssuerRunning(String id, Duration timeout) {
        return issuers.get(id).awaitHttpOk("http://127.0.0.1:" + issuerPorts.get(id) + "/health/ready", timeout);
    }

    /** A series of issuer {@code id}'s /metrics (the sum of its samples), e.g. coupon_issuer_answer_streams. */
    public double issuerMetric(String id, String series) throws IOException, InterruptedException {
        String metrics = TestHttp.get("http://127.0.0.1:" + issuerPorts.get(id) + "/metrics").body();
        return metrics.lines().filter(l -> l.startsWith(series + " ") || l.startsWith(series + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    public RoleProcess issuer(String id) {
        return issuers.get(id);
    }

    public Path issuerStateDir(String id) {
        return dir.resolve("state-" + id);
    }

    /** Starts (or restarts) the writer, through the database proxy, and waits until it has partitions. */
    public RoleProcess startWriter() {
        if (writer == null) {
            writer = track(RoleProcess.start("writer", List.of("writer"), BuildOutput.classpath(), jvmOptions, env(Map.of(
                    "COUPON_JDBC_URL", database.jdbcUrl(databaseProxy.hostPort()),
                    "COUPON_JDBC_TIMEOUT_MS", "1000",
                    "COUPON_WRITER_HTTP_PORT", String.valueOf(writerPort),
                    // Short back-off: an outage of a few seconds should not cost ten more.
                    "COUPON_WRITER_RETRY_MAX_MS", "1000")), dir));
        } else {
            writer.start();
        }
        writer.awaitLog("Writer assigned [coupon", START_TIMEOUT);
        return writer;
    }

    /**
     * Starts (or restarts) the whole system as one {@code dev} process (broker, issuer, writer and
     * gateway in one JVM, as `bin/coupon-issuer dev` runs it) on this cluster's ports and directories,
     * without waiting: the caller times the way to ready ({@link EveryCheckReady}).
     */
    public RoleProcess startDev() {
        if (dev == null) {
            String issuerId = issuerPorts.keySet().iterator().next();
            dev = track(RoleProcess.start("dev", List.of("dev"), BuildOutput.classpath(), jvmOptions, env(Map.of(
                    "COUPON_BROKER_DIR", dir.resolve("kafka").toString(),
                    "COUPON_BROKER_PORT", String.valueOf(brokerPort),
                    "COUPON_BROKER_CONTROLLER_PORT", String.valueOf(controllerPort),
                    "COUPON_STATE_DIR", dir.resolve("state-" + issuerId).toString(),
                    "COUPON_ISSUER_HTTP_PORT", String.valueOf(issuerPorts.get(issuerId)),
                    "COUPON_INSTANCE_ID", issuerId,
                    "COUPON_HTTP_PORT", String.valueOf(gatewayPort),
                    "COUPON_WRITER_HTTP_PORT", String.valueOf(writerPort),
                    "COUPON_JDBC_URL", database.jdbcUrl("127.0.0.1:5432"))), dir));
        } else {
            dev.start();
        }
        return dev;
    }

    public RoleProcess dev() {
        return dev;
    }

    public RoleProcess broker() {
        return broker;
    }

    public RoleProcess gateway() {
        return gateway;
    }

    public RoleProcess writer() {
        return writer;
    }

    /**
     * How many ?waitMs clients the gateway answered with the issuer's decision as it was made, before
     * the commit (coupon_gateway_answers_total{source="issuer"} in its /metrics).
     */
    public double answersByIssuer() throws IOException, InterruptedException {
        String metrics = TestHttp.getAsAdmin(gatewayUrl() + "/metrics", ADMIN_TOKEN).body();
        return metrics.lines().filter(l -> l.startsWith("coupon_gateway_answers_total{source=\"issuer\"}"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** Applications the gateway decided at the edge since it started (coupon_gateway_edge_answers_total). */
    public double answersAtTheEdge() throws IOException, InterruptedException {
        String metrics = TestHttp.getAsAdmin(gatewayUrl() + "/metrics", ADMIN_TOKEN).body();
        return metrics.lines().filter(l -> l.startsWith("coupon_gateway_edge_answers_total{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** Defines an event through the gateway (admin API), as an operator would. */
    public void createEvent(String eventId, int cap) throws IOException, InterruptedException {
        createEvent(eventId, cap, false);
    }

    /** @param spread decided on every partition (docs/spread-events.md) */
    public void createEvent(String eventId, int cap, boolean spread) throws IOException, InterruptedException {
        HttpResponse<String> response = TestHttp.post(gatewayUrl() + "/api/events",
                "{\"eventId\":\"" + eventId + "\",\"cap\":" + cap + ",\"spread\":" + spread + "}", ADMIN_TOKEN);
        if (response.statusCode() != 201) {
            throw new AssertionError("creating event " + eventId + ": " + response.statusCode() + " " + response.body());
        }
    }

    /**
     * Defines one event per cap, each on its own partition of {@code coupon.apply-requests} (Kafka's
     * default partitioner for a keyed record), so that every stream task is in play; returns eventId -> cap.
     */
    public Map<String, Integer> createEventsOnOwnPartitions(String prefix, int... caps)
            throws IOException, InterruptedException {
        if (caps.length > partitions) {
            throw new IllegalArgumentException(caps.length + " events do not fit on " + partitions + " partitions");
        }
        Map<String, Integer> events = new LinkedHashMap<>();
        boolean[] taken = new boolean[partitions];
        for (int n = 0; events.size() < caps.length; n++) {
            String eventId = prefix + "-e" + n;
            int partition = io.couponissuer.kafka.KeyPartition.of(eventId, partitions);
            if (!taken[partition]) {
                taken[partition] = true;
                events.put(eventId, caps[events.size()]);
            }
        }
        for (Map.Entry<String, Integer> event : events.entrySet()) {
            createEvent(event.getKey(), event.getValue());
        }
        return events;
    }

    private Map<String, String> env(Map<String, String> own) {
        Map<String, String> env = new HashMap<>(common);
        env.putAll(own);
        return env;
    }

    private RoleProcess track(RoleProcess process) {
        processes.add(process);
        return process;
    }

    /**
     * Kills every process (kill -9: nothing to keep), closes the proxy, and deletes the broker and
     * state data (hundreds of MB after a big run); the logs stay for a post-mortem.
     */
    @Override
    public void close() throws IOException {
        try {
            for (RoleProcess process : processes) {
                process.kill();
            }
        } finally {
            databaseProxy.close();
        }
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.filter(p -> !p.getFileName().toString().endsWith(".log")).toList()) {
                deleteRecursively(entry);
            }
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        }
    }

}
