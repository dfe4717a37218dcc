package io.couponissuer.tools.local;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Kafka node (KRaft) running in this JVM, as its {@link BrokerConfig} says: it formats the
 * node's storage if needed, starts it and waits until it answers; {@link #stop()} and {@link #start()}
 * again keep the data and the address, so fault tests can restart it.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final BrokerConfig config;
    private boolean started;
    private KafkaRaftServer server;

    public EmbeddedKafkaBroker(BrokerConfig config) {
        this.config = config;
    }

    /**
     * Formats the log directory if needed and starts the node; returns once it answers metadata
     * requests. Throws if it is already running or does not become ready in time.
     */
    public synchronized void start() {
        if (server != null) {
            throw new IllegalStateException("the embedded Kafka broker is already running on " + bootstrapServers());
        }
        long startedAt = System.nanoTime();
        if (!started) {
            config.beforeFirstStart();
            started = true;
        }
        Properties properties = config.properties();
        format(properties);
        KafkaRaftServer starting = new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
        try {
            starting.startup();
            server = starting;
            awaitReady();
        } catch (RuntimeException e) {
            server = null;
            shutDown(starting);
            throw new IllegalStateException("the embedded Kafka broker did not start on " + bootstrapServers()
                    + " (data in " + dataDir() + "): " + e.getMessage(), e);
        }
        log.info("Kafka broker ready on {} in {} ms (data in {})", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt), dataDir());
    }

    /** Shuts the node down and waits until it has; the data stays. Does nothing if it is not running. */
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

    public String bootstrapServers() {
        return config.host() + ":" + config.port();
    }

    public int port() {
        return config.port();
    }

    public Path dataDir() {
        return config.dataDir();
    }

    public Path logDir() {
        return config.logDir();
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * Like `kafka-storage format --ignore-formatted`: a no-op on a formatted directory, so restarts keep
     * data. The tool reads the properties from a file, written for it and deleted after.
     */
    private void format(Properties properties) {
        Path configFile;
        try {
            Files.createDirectories(logDir());
            configFile = Files.createTempFile("kafka-node-" + config.nodeId() + "-", ".properties");
            try (OutputStream out = Files.newOutputStream(configFile)) {
                properties.store(out, "written by EmbeddedKafkaBroker to format the storage");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Kafka broker config for " + logDir(), e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(new String[] {"format", "--cluster-id", config.clusterId(),
                    "--config", configFile.toString(), "--ignore-formatted"}, printStream);
        } catch (RuntimeException e) {
            throw new IllegalStateException("formatting Kafka storage in " + logDir() + " failed: " + e.getMessage()
                    + "\n" + output.toString(StandardCharsets.UTF_8), e);
        } finally {
            configFile.toFile().delete();
        }
        if (exitCode != 0) {
            throw new IllegalStateException("formatting Kafka storage in " + logDir() + " failed (exit code "
                    + exitCode + "):\n" + output.toString(StandardCharsets.UTF_8));
        }
        log.debug("kafka-storage format: {}", output.toString(StandardCharsets.UTF_8).trim());
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        Map<String, Object> probe = new java.util.HashMap<>(config.clientSecurity());
        probe.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        Admin admin = Admin.create(probe);
        try {
            while (System.nanoTime() < deadline) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream()
                            .anyMatch(n -> n.id() == config.nodeId())) {
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

    private static void shutDown(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
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
