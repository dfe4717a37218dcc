package io.couponissuer.kafka;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The client configs every role shares. Each call returns a new mutable map: callers add their
 * serializers, transactional.id or tuning on top. How a client proves who it is (security.protocol,
 * sasl.*, ssl.*) comes from the Kafka client properties file KAFKA_CLIENT_PROPERTIES, the way
 * Kafka's own tools take {@code --command-config}; without one, clients speak PLAINTEXT.
 */
public final class ClientConfigs {
    /** A broker that has not answered in this time is treated as gone for this request; the client retries. */
    private static final int REQUEST_TIMEOUT_MS = 15_000;
    private static final int METADATA_MAX_AGE_MS = 5_000;
    private static final int CONNECTION_SETUP_TIMEOUT_MS = 3_000;
    private static final int REBOOTSTRAP_AFTER_MS = 10_000;
    /** How long a send may take, retries included, before the caller hears it failed (default is 2 min). */
    private static final int DELIVERY_TIMEOUT_MS = 60_000;

    private ClientConfigs() {
    }

    /** What the properties file may set: connection security only, so it cannot change how a role reads or writes. */
    private static final Set<String> SECURITY_PREFIXES = Set.of("security.protocol", "sasl.", "ssl.");

    /**
     * The security configs of KAFKA_CLIENT_PROPERTIES (empty map when unset).
     *
     * @throws IllegalArgumentException when the file cannot be read or sets anything but security configs
     */
    public static Map<String, Object> security(Settings settings) {
        Properties properties = settings.properties(Setting.KAFKA_CLIENT_PROPERTIES).orElseGet(Properties::new);
        String file = settings.get(Setting.KAFKA_CLIENT_PROPERTIES);
        Map<String, Object> config = new HashMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (SECURITY_PREFIXES.stream().noneMatch(key::startsWith)) {
                throw new IllegalArgumentException("KAFKA_CLIENT_PROPERTIES: " + file + " sets " + key
                        + "; only security.protocol, sasl.* and ssl.* are read from it");
            }
            config.put(key, properties.getProperty(key).trim());
        }
        return config;
    }

    /**
     * bootstrap.servers, the security configs, and how soon a client lets go of a broker that went silent:
     * what every client of the system starts from. A paused or cut-off broker keeps its sockets open, so
     * nothing fails fast: a client learns the controller fenced it only from fresh metadata (every 5 s
     * instead of 5 min); a new connection to it gives up after 3 s of no handshake, every time, instead of
     * growing to 30 s; and a client that keeps asking only the silent broker for metadata (it looks least
     * loaded) starts again from bootstrap.servers after 10 s without an answer instead of 5 min.
     */
    public static Map<String, Object> common(Settings settings) {
        Map<String, Object> config = security(settings);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(Setting.KAFKA_BOOTSTRAP_SERVERS));
        config.put(AdminClientConfig.METADATA_MAX_AGE_CONFIG, METADATA_MAX_AGE_MS);
        config.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, CONNECTION_SETUP_TIMEOUT_MS);
        config.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, CONNECTION_SETUP_TIMEOUT_MS);
        config.put(CommonClientConfigs.METADATA_RECOVERY_STRATEGY_CONFIG, "rebootstrap");
        config.put(CommonClientConfigs.METADATA_RECOVERY_REBOOTSTRAP_TRIGGER_MS_CONFIG, REBOOTSTRAP_AFTER_MS);
        return config;
    }

    public static Map<String, Object> admin(Settings settings) {
        Map<String, Object> config = common(settings);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        return config;
    }

    /** Nothing acknowledged is lost (acks=all) and retries never duplicate or reorder (idempotence). */
    public static Map<String, Object> producer(Settings settings, String clientId) {
        Map<String, Object> config = common(settings);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        return config;
    }

    /**
     * A consumer that sees only committed transactions (the issuer's output is transactional: a
     * read_uncommitted reader would see aborted decisions) and commits offsets itself, after its work
     * is done. A null groupId makes an assign-only reader (checks, tests) that joins no group.
     */
    public static Map<String, Object> readCommittedConsumer(Settings settings, String groupId, String clientId) {
        Map<String, Object> config = common(settings);
        if (groupId != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        return config;
    }
}
