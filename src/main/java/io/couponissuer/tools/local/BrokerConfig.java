package io.couponissuer.tools.local;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.tools.local.cluster.FreePort;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * How an {@link EmbeddedKafkaBroker} runs: one record per way of running a Kafka node in this process,
 * each knowing the node's properties, where its data lives and the cluster id that formats it.
 */
public sealed interface BrokerConfig permits BrokerConfig.SingleNode, BrokerConfig.ClusterNode {
    String HOST = "127.0.0.1";

    /** The node's broker properties, as it starts each time. */
    Properties properties();

    /** The directory its data lives in, as commands and logs name it. */
    Path dataDir();

    /** Kafka's log directory, formatted on the first start and kept across restarts. */
    Path logDir();

    int nodeId();

    /** The port of the listener clients bootstrap from, on {@link #host}. */
    int port();

    /** The address of that listener: {@link #HOST} unless the node's own properties advertise another. */
    default String host() {
        return HOST;
    }

    /** The cluster id an empty log directory is formatted with; a formatted one keeps its own. */
    String clusterId();

    /** Done once, before the first start of a broker with this configuration. */
    void beforeFirstStart();

    /** How a client of {@link #port} proves who it is: empty on PLAINTEXT, the node's own certificate on SSL. */
    default Map<String, Object> clientSecurity() {
        return Map.of();
    }

    /**
     * A single node that is broker and controller in one, on 127.0.0.1 only, for {@code dev},
     * {@code broker} and the tests. Its data lives in COUPON_BROKER_DIR and survives restarts;
     * {@code fresh} wipes it before the first start. The ports are fixed when the configuration is
     * made (0 picks a free one), so a restart comes back on the same address and clients reconnect
     * by themselves.
     *
     * @param overrides broker properties on top of these (tests that need another broker behaviour)
     */
    record SingleNode(Path dataDir, int port, int controllerPort, boolean fresh, Map<String, String> overrides)
            implements BrokerConfig {
        /** coupon.failed allows 4 MiB records (Topics); the broker default must not be the tighter limit. */
        private static final int MESSAGE_MAX_BYTES = 4 * 1024 * 1024 + 64 * 1024;
        /** What its data directory may hold: Kafka's log directory and a broker config. */
        private static final Set<String> OWN_ENTRIES = Set.of("server.properties", "logs");
        private static final String OWNER = "the embedded Kafka broker";

        public SingleNode {
            dataDir = dataDir.toAbsolutePath().normalize();
            overrides = Map.copyOf(overrides);
        }

        /** From COUPON_BROKER_DIR, COUPON_BROKER_PORT and COUPON_BROKER_CONTROLLER_PORT. */
        public static SingleNode of(Settings settings, boolean fresh) {
            return of(settings, fresh, Map.of());
        }

        public static SingleNode of(Settings settings, boolean fresh, Map<String, String> overrides) {
            return new SingleNode(settings.getPath(Setting.COUPON_BROKER_DIR),
                    portOrFree(settings.getInt(Setting.COUPON_BROKER_PORT)),
                    portOrFree(settings.getInt(Setting.COUPON_BROKER_CONTROLLER_PORT)), fresh, overrides);
        }

        /** Throws if COUPON_BROKER_DIR holds what this broker did not write: checked before `dev --fresh` touches anything. */
        static void requireWipeable(Settings settings) {
            OwnedDirectories.requireOwned(settings.getPath(Setting.COUPON_BROKER_DIR).toAbsolutePath().normalize(),
                    OWN_ENTRIES, OWNER);
        }

        @Override
        public Path logDir() {
            return dataDir.resolve("logs");
        }

        @Override
        public int nodeId() {
            return 1;
        }

        @Override
        public void beforeFirstStart() {
            if (fresh) {
                OwnedDirectories.wipe(dataDir, OWN_ENTRIES, OWNER);
            }
        }

        @Override
        public Properties properties() {
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", String.valueOf(nodeId()));
            p.put("controller.quorum.voters", nodeId() + "@" + HOST + ":" + controllerPort);
            p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
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
            // (docs/operations.md#restarts). One node in one JVM heartbeats to itself, every 500 ms; a stall past 2 s
            // fences it until its next heartbeat, a blip its clients retry through.
            p.put("broker.session.timeout.ms", "2000");
            p.put("broker.heartbeat.interval.ms", "500");
            // A killed issuer's open transaction must be rolled back (at its timeout) before another instance can read the
            // killed one's offsets; Kafka looks for timed-out transactions every 10 s by default (docs/production-shape.md#node-failures).
            p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
            // The log cleaner (compacted coupon.events, __consumer_offsets) allocates 128 MiB by default: too much for a test JVM.
            p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
            p.putAll(overrides);
            return p;
        }

        /** The id the log directory was formatted with, so a restart keeps it; a new one for an empty directory. */
        @Override
        public String clusterId() {
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

        private static int portOrFree(int port) {
            return port != 0 ? port : FreePort.next();
        }
    }

    /**
     * One node of a multi-node cluster, configured entirely by {@code properties} (as the apache/kafka
     * image configures a container from its environment: `kafka-node`), its data in the first of its
     * {@code log.dirs}, formatted with {@code clusterId} on first start. Clients reach it on its advertised
     * listener for inter-broker traffic (PLAINTEXT unless it says otherwise).
     */
    record ClusterNode(Properties properties, String clusterId) implements BrokerConfig {
        public ClusterNode {
            properties = copy(properties);
            required(properties, "log.dirs");
            required(properties, "node.id");
            advertisedPort(properties);
        }

        @Override
        public Properties properties() {
            return copy(properties);
        }

        @Override
        public Path dataDir() {
            return Path.of(properties.getProperty("log.dirs").split(",")[0]).toAbsolutePath().normalize();
        }

        /** A node's data directory is its log directory. */
        @Override
        public Path logDir() {
            return dataDir();
        }

        @Override
        public int nodeId() {
            return Integer.parseInt(properties.getProperty("node.id"));
        }

        @Override
        public int port() {
            return advertisedPort(properties);
        }

        @Override
        public String host() {
            String listener = advertisedListener(properties);
            return listener.substring(listener.indexOf("://") + 3, listener.lastIndexOf(':'));
        }

        /** Nothing: a node of a cluster keeps its data. */
        @Override
        public void beforeFirstStart() {
        }

        /** The node's own keystore and truststore when its inter-broker listener is SSL (its probe is then the node itself). */
        @Override
        public Map<String, Object> clientSecurity() {
            String listenerName = properties.getProperty("inter.broker.listener.name", "PLAINTEXT");
            String protocol = listenerName;
            for (String entry : properties.getProperty("listener.security.protocol.map", "").split(",")) {
                String[] pair = entry.trim().split(":");
                if (pair.length == 2 && pair[0].equals(listenerName)) {
                    protocol = pair[1];
                }
            }
            if (protocol.equals("PLAINTEXT")) {
                return Map.of();
            }
            if (!protocol.equals("SSL")) {
                throw new IllegalArgumentException("the node's inter-broker listener " + listenerName + " is " + protocol
                        + "; only PLAINTEXT and SSL are understood here");
            }
            Map<String, Object> security = new java.util.HashMap<>();
            security.put("security.protocol", "SSL");
            for (String name : java.util.List.of("ssl.keystore.location", "ssl.keystore.password", "ssl.keystore.type",
                    "ssl.key.password", "ssl.truststore.location", "ssl.truststore.password", "ssl.truststore.type")) {
                if (properties.getProperty(name) != null) {
                    security.put(name, properties.getProperty(name));
                }
            }
            return security;
        }

        private static Properties copy(Properties properties) {
            Properties copy = new Properties();
            copy.putAll(properties);
            return copy;
        }

        private static void required(Properties config, String name) {
            String value = config.getProperty(name);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("the Kafka node's config has no " + name);
            }
        }

        /** The port of the advertised listener clients use (the inter-broker one, e.g. PLAINTEXT://host:9092). */
        private static int advertisedPort(Properties config) {
            String listener = advertisedListener(config);
            return Integer.parseInt(listener.substring(listener.lastIndexOf(':') + 1));
        }

        private static String advertisedListener(Properties config) {
            required(config, "advertised.listeners");
            String listenerName = config.getProperty("inter.broker.listener.name", "PLAINTEXT");
            for (String listener : config.getProperty("advertised.listeners").split(",")) {
                if (listener.trim().startsWith(listenerName + "://")) {
                    return listener.trim();
                }
            }
            throw new IllegalArgumentException("advertised.listeners has no " + listenerName + " listener: "
                    + config.getProperty("advertised.listeners"));
        }
    }
}
