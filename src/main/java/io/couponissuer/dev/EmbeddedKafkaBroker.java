package io.couponissuer.dev;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.dev.cluster.FreePort;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Apache Kafka broker (KRaft, broker and controller in one node) running in this
 * JVM, on 127.0.0.1 only. Data lives in COUPON_BROKER_DIR and survives {@link #stop()} and
 * {@link #start()}, so fault tests can restart the broker; {@code fresh} wipes it before the first
 * start. Ports are fixed at construction (0 picks a free one), so a restart comes back on the same
 * address and clients reconnect by themselves.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** coupon.failed allows 4 MiB records (Topics); the broker default must not be the tighter limit. */
    private static final int MESSAGE_MAX_BYTES = 4 * 1024 * 1024 + 64 * 1024;

    /** What the data directory holds: the config used to format it and Kafka's log directory. */
    private static final Set<String> OWN_ENTRIES = Set.of("server.properties", "logs");

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> overrides;
    /** The KRaft controller this node uses: itself (broker and controller in one), or another node's. */
    private final EmbeddedKafkaBroker controller;
    private final int nodeId;
    /** A node of a cluster configured from outside (`kafka-node`): exactly these properties, this cluster id. */
    private final Properties givenConfig;
    private final String givenClusterId;
    private boolean wipeBeforeStart;
    private KafkaRaftServer server;

    public EmbeddedKafkaBroker(Settings settings, boolean fresh) {
        this(settings, fresh, Map.of());
    }

    /** @param overrides broker properties on top of this class's (tests that need another broker behaviour) */
    public EmbeddedKafkaBroker(Settings settings, boolean fresh, Map<String, String> overrides) {
        this.dataDir = settings.getPath(Setting.COUPON_BROKER_DIR).toAbsolutePath().normalize();
        this.port = portOrFree(settings.getInt(Setting.COUPON_BROKER_PORT));
        this.controllerPort = portOrFree(settings.getInt(Setting.COUPON_BROKER_CONTROLLER_PORT));
        this.wipeBeforeStart = fresh;
        this.overrides = Map.copyOf(overrides);
        this.controller = null;
        this.nodeId = 1;
        this.givenConfig = null;
        this.givenClusterId = null;
    }

    /**
     * A broker-only node (no controller) that joins {@code controller}'s cluster: for tests that need
     * a partition led by another broker, e.g. one that can lose its leader while the first stays up.
     */
    public EmbeddedKafkaBroker(Settings settings, EmbeddedKafkaBroker controller, int nodeId, Map<String, String> overrides) {
        this.dataDir = settings.getPath(Setting.COUPON_BROKER_DIR).toAbsolutePath().normalize();
        this.port = portOrFree(settings.getInt(Setting.COUPON_BROKER_PORT));
        this.controllerPort = controller.controllerPort;
        this.wipeBeforeStart = true;
        this.overrides = Map.copyOf(overrides);
        this.controller = controller;
        this.nodeId = nodeId;
        this.givenConfig = null;
        this.givenClusterId = null;
    }

    private EmbeddedKafkaBroker(Properties config, String clusterId) {
        this.givenConfig = (Properties) config.clone();
        this.givenClusterId = clusterId;
        this.dataDir = Path.of(required(config, "log.dirs").split(",")[0]).toAbsolutePath().normalize();
        this.port = advertisedPort(config);
        this.controllerPort = -1;
        this.wipeBeforeStart = false;
        this.overrides = Map.of();
        this.controller = null;
        this.nodeId = Integer.parseInt(required(config, "node.id"));
    }

    /** Throws if COUPON_BROKER_DIR holds what this class did not write: checked before `dev --fresh` touches anything. */
    static void requireWipeable(Settings settings) {
        OwnedDirectories.requireOwned(settings.getPath(Setting.COUPON_BROKER_DIR).toAbsolutePath().normalize(), OWN_ENTRIES,
                "the embedded Kafka broker");
    }

    /**
     * One node of a multi-node cluster, configured entirely by {@code config} (as the apache/kafka
     * image configures a container from its environment: `kafka-node`), its data in {@code log.dirs},
     * formatted with {@code clusterId} on first start. Clients reach it on its advertised PLAINTEXT listener.
     */
    public static EmbeddedKafkaBroker node(Properties config, String clusterId) {
        return new EmbeddedKafkaBroker(config, clusterId);
    }

    /**
     * Formats the data directory if needed and starts the broker; returns once it answers metadata
     * requests. Throws if it is already running or does not become ready in time.
     */
    public synchronized void start() {
        if (server != null) {
            throw new IllegalStateException("the embedded Kafka broker is already running on " + bootstrapServers());
        }
        long startedAt = System.nanoTime();
        if (wipeBeforeStart) {
            OwnedDirectories.wipe(dataDir, OWN_ENTRIES, "the embedded Kafka broker");
            wipeBeforeStart = false;
        }
        Properties config = brokerConfig();
        format(config);
        KafkaRaftServer starting = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
        try {
            starting.startup();
            server = starting;
            awaitReady();
        } catch (RuntimeException e) {
            server = null;
            shutDown(starting);
            throw new IllegalStateException("the embedded Kafka broker did not start on " + bootstrapServers()
                    + " (data in " + dataDir + "): " + e.getMessage(), e);
        }
        log.info("Kafka broker ready on {} in {} ms (data in {})", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt), dataDir);
    }

    /** Shuts the broker down and waits until it has; the data stays. Does nothing if it is not running. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        long stoppingAt = System.nanoTime();
        KafkaRaftServer stopping = server;
        server = null;
        shutDown(stopping);
        log.info("Kafka broker on {} stopped in {} ms", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppingAt));
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        stop();
    }

    private Path logDir() {
        return givenConfig != null ? dataDir : dataDir.resolve("logs");
    }

    private Properties brokerConfig() {
        if (givenConfig != null) {
            return (Properties) givenConfig.clone();
        }
        Properties p = new Properties();
        p.put("process.roles", controller == null ? "broker,controller" : "broker");
        p.put("node.id", String.valueOf(nodeId));
        p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        p.put("listeners", controller == null
                ? "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort
                : "PLAINTEXT://" + HOST + ":" + port);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", logDir().toString());
        // One node: Kafka's internal topics can have one replica only, or they are never created.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // 50 partitions each (the defaults) cost seconds on first use on a small machine and buy nothing on one node.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.num.partitions", "5");
        // Topics come from TopicSetup with their configs; a typo in a topic name must fail, not create one.
        p.put("auto.create.topics.enable", "false");
        // Nobody else joins a dev or test group late: rebalance at once instead of waiting 3 s.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Upper bound for clients' transaction.timeout.ms (Streams EOS asks for 10 s; 15 min is Kafka's own bound).
        p.put("transaction.max.timeout.ms", String.valueOf(Duration.ofMinutes(15).toMillis()));
        p.put("message.max.bytes", String.valueOf(MESSAGE_MAX_BYTES));
        // After a crash the restarted node's registration is refused (DUPLICATE_BROKER_REGISTRATION) until the
        // controller has waited out the dead incarnation's session: 9 s by default, most of a restart
        // (docs/operations.md#restarts). One node in one JVM heartbeats to itself; 4 s still rides out a long GC pause.
        p.put("broker.session.timeout.ms", "4000");
        p.put("broker.heartbeat.interval.ms", "1000");
        // A killed issuer's open transaction must be rolled back (at its timeout) before another instance can read the
        // killed one's offsets; Kafka looks for timed-out transactions every 10 s by default (docs/production-shape.md#node-failures).
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        // The log cleaner (compacted coupon.events, __consumer_offsets) allocates 128 MiB by default: too much for a test JVM.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        p.putAll(overrides);
        return p;
    }

    /** Like `kafka-storage format --ignore-formatted`: a no-op on a formatted directory, so restarts keep data. */
    private void format(Properties config) {
        Path configFile;
        try {
            Files.createDirectories(logDir());
            // A node's data directory is its log directory: its config goes next to the JVM's temp files instead.
            configFile = givenConfig != null ? Files.createTempFile("kafka-node-" + nodeId + "-", ".properties")
                    : dataDir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(configFile)) {
                config.store(out, "written by EmbeddedKafkaBroker on each start; used to format the storage");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Kafka broker config in " + dataDir, e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(new String[] {"format", "--cluster-id", clusterId(),
                    "--config", configFile.toString(), "--ignore-formatted"}, printStream);
        } catch (RuntimeException e) {
            throw new IllegalStateException("formatting Kafka storage in " + logDir() + " failed: " + e.getMessage()
                    + "\n" + output.toString(StandardCharsets.UTF_8), e);
        } finally {
            if (givenConfig != null) {
                configFile.toFile().delete();
            }
        }
        if (exitCode != 0) {
            throw new IllegalStateException("formatting Kafka storage in " + logDir() + " failed (exit code "
                    + exitCode + "):\n" + output.toString(StandardCharsets.UTF_8));
        }
        log.debug("kafka-storage format: {}", output.toString(StandardCharsets.UTF_8).trim());
    }

    /** The cluster id the directory was formatted with, so a restart keeps it; a new one for an empty directory. */
    private String clusterId() {
        if (givenClusterId != null) {
            return givenClusterId;
        }
        if (controller != null) {
            return controller.clusterId();
        }
        Path meta = logDir().resolve("meta.properties");
        if (Files.exists(meta)) {
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(meta)) {
                properties.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + meta, e);
            }
            String id = properties.getProperty("cluster.id");
            if (id != null && !id.isBlank()) {
                return id;
            }
        }
        return Uuid.randomUuid().toString();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
        try {
            while (System.nanoTime() < deadline) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream().anyMatch(n -> n.id() == nodeId)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
                } catch (Exception e) {
                    last = e;
                }
                sleep(100);
            }
        } finally {
            admin.close(Duration.ZERO); // do not wait for a call still pending after a timeout
        }
        throw new IllegalStateException("no broker answered on " + bootstrapServers() + " within "
                + READY_TIMEOUT.toSeconds() + " s" + (last == null ? "" : "; last error: " + last), last);
    }

    private static String required(Properties config, String name) {
        String value = config.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the Kafka node's config has no " + name);
        }
        return value;
    }

    /** The port of the advertised listener clients use (the inter-broker one, e.g. PLAINTEXT://host:9092). */
    private static int advertisedPort(Properties config) {
        String listenerName = config.getProperty("inter.broker.listener.name", "PLAINTEXT");
        for (String listener : required(config, "advertised.listeners").split(",")) {
            if (listener.trim().startsWith(listenerName + "://")) {
                return Integer.parseInt(listener.substring(listener.lastIndexOf(':') + 1).trim());
            }
        }
        throw new IllegalArgumentException("advertised.listeners has no " + listenerName + " listener: "
                + config.getProperty("advertised.listeners"));
    }

    private static void shutDown(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    private static int portOrFree(int port) {
        if (port != 0) {
            return port;
        }
        return FreePort.next();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
    }
}
