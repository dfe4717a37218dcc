package io.couponissuer.tools.local.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * How the {@code apache/kafka} image turns its environment into {@code server.properties}, so that a
 * local node runs exactly the settings a compose service gives the image: the image first fills a few
 * unset variables with its own defaults (its {@code configureDefaults} script), then every
 * {@code KAFKA_*} variable except the JVM and logging ones becomes a property: prefix dropped, lower
 * case, {@code _} to {@code .}, {@code ___} to {@code -}, {@code __} to {@code _}
 * ({@code KafkaDockerWrapper#getServerConfigsFromEnv}). {@code CLUSTER_ID} formats the storage.
 * When an advertised listener is SSL or SASL_SSL, its {@code configure} script finds the stores under
 * {@code /etc/kafka/secrets} by their KAFKA_SSL_*_FILENAME and reads their passwords from the files
 * KAFKA_SSL_*_CREDENTIALS name there (the truststore's only with KAFKA_SSL_CLIENT_AUTH required or
 * requested), and a SASL listener needs KAFKA_OPTS (the JAAS file); this class does the same.
 */
public final class KafkaImageEnvironment {
    /** The image's defaults for unset variables: a one-node sandbox whose data lives in /tmp of the container. */
    static final Map<String, String> IMAGE_DEFAULTS = Map.ofEntries(
            Map.entry("CLUSTER_ID", "5L6g3nShT-eMCtK--X86sw"),
            Map.entry("KAFKA_NODE_ID", "1"),
            Map.entry("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT"),
            Map.entry("KAFKA_LISTENERS", "PLAINTEXT://localhost:29092,CONTROLLER://localhost:29093,PLAINTEXT_HOST://0.0.0.0:9092"),
            Map.entry("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://localhost:29092,PLAINTEXT_HOST://localhost:9092"),
            Map.entry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1"),
            Map.entry("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0"),
            Map.entry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1"),
            Map.entry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1"),
            Map.entry("KAFKA_PROCESS_ROLES", "broker,controller"),
            Map.entry("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:29093"),
            Map.entry("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT"),
            Map.entry("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
            Map.entry("KAFKA_LOG_DIRS", "/tmp/kraft-combined-logs"));

    /** Where the image looks for keystores and their credentials. */
    static final String SECRETS = "/etc/kafka/secrets";
    /** Where this class keeps the credentials files it found, so that the plan can move them with the secrets. */
    private static final String CREDENTIALS_FILE = "_FILE";

    /** Variables the image reads for the JVM or logging, never as broker properties. */
    private static final Set<String> NOT_PROPERTIES = Set.of("KAFKA_VERSION", "KAFKA_HEAP_OPT", "KAFKA_HEAP_OPTS",
            "KAFKA_LOG4J_OPTS", "KAFKA_OPTS", "KAFKA_JMX_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_GC_LOG_OPTS",
            "KAFKA_LOG4J_ROOT_LOGLEVEL", "KAFKA_LOG4J_LOGGERS", "KAFKA_TOOLS_LOG4J_LOGLEVEL", "KAFKA_JMX_HOSTNAME");
    /** The password each credentials variable holds, as configure exports it. */
    private static final Map<String, String> CREDENTIALS = Map.of(
            "KAFKA_SSL_KEY_CREDENTIALS", "KAFKA_SSL_KEY_PASSWORD",
            "KAFKA_SSL_KEYSTORE_CREDENTIALS", "KAFKA_SSL_KEYSTORE_PASSWORD",
            "KAFKA_SSL_TRUSTSTORE_CREDENTIALS", "KAFKA_SSL_TRUSTSTORE_PASSWORD");

    private final Map<String, String> environment;

    private KafkaImageEnvironment(Map<String, String> environment) {
        this.environment = environment;
    }

    /** The environment a container of the image would end up with: {@code given}, its unset image defaults added. */
    public static KafkaImageEnvironment of(Map<String, String> given) {
        Map<String, String> env = new TreeMap<>(IMAGE_DEFAULTS);
        given.forEach((key, value) -> {
            if (key.startsWith("KAFKA_") || key.equals("CLUSTER_ID")) {
                env.put(key, value);
            }
        });
        String advertised = env.getOrDefault("KAFKA_ADVERTISED_LISTENERS", "");
        if (advertised.contains("SSL://")) {
            secured(env, "KAFKA_SSL_KEYSTORE", "KAFKA_SSL_KEY_CREDENTIALS");
            String clientAuth = env.getOrDefault("KAFKA_SSL_CLIENT_AUTH", "");
            if (clientAuth.contains("required") || clientAuth.contains("requested")) {
                secured(env, "KAFKA_SSL_TRUSTSTORE", null);
            }
        }
        if (advertised.matches(".*SASL_.*://.*") && env.getOrDefault("KAFKA_OPTS", "").isEmpty()) {
            throw new IllegalArgumentException("KAFKA_OPTS environment variable not set (a SASL listener needs the JAAS file "
                    + "in -Djava.security.auth.login.config)");
        }
        return new KafkaImageEnvironment(env);
    }

    /** A store as configure finds it: its file and its credentials file under /etc/kafka/secrets, both required. */
    private static void secured(Map<String, String> env, String store, String keyCredentials) {
        List<String> needed = new ArrayList<>(List.of(store + "_FILENAME", store + "_CREDENTIALS"));
        if (keyCredentials != null) {
            needed.add(keyCredentials);
        }
        for (String variable : needed) {
            if (env.getOrDefault(variable, "").isEmpty()) {
                throw new IllegalArgumentException(variable + " environment variable not set (an SSL listener is advertised)");
            }
            // Already there when `cluster` planned this node: it moved them onto this host's secrets directory.
            if (variable.endsWith("_CREDENTIALS")) {
                env.putIfAbsent(variable + CREDENTIALS_FILE, SECRETS + "/" + env.get(variable));
            }
        }
        env.putIfAbsent(store + "_LOCATION", SECRETS + "/" + env.get(store + "_FILENAME"));
    }

    public String clusterId() {
        return environment.get("CLUSTER_ID");
    }

    /** The broker properties, as the image writes them into server.properties. */
    public Properties serverProperties() {
        Properties properties = new Properties();
        environment.forEach((key, value) -> {
            String credentials = key.endsWith(CREDENTIALS_FILE) ? key.substring(0, key.length() - CREDENTIALS_FILE.length()) : "";
            if (CREDENTIALS.containsKey(credentials)) {
                properties.setProperty(propertyName(CREDENTIALS.get(credentials)), readPassword(value));
            } else if (key.startsWith("KAFKA_") && !NOT_PROPERTIES.contains(key)) {
                properties.setProperty(propertyName(key), value);
            }
        });
        return properties;
    }

    private static String readPassword(String file) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(file)).trim();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(file + " file does not exist or cannot be read: " + e.getMessage(), e);
        }
    }

    /** {@code KAFKA_LOG_DIRS} -> {@code log.dirs}, {@code KAFKA_A___B} -> {@code a-b}, {@code KAFKA_A__B} -> {@code a_b}. */
    static String propertyName(String variable) {
        return variable.substring("KAFKA_".length()).toLowerCase().replace('_', '.').replace("...", "-").replace("..", "_");
    }

    /** The environment with the image defaults in, for logs and error messages. */
    public Map<String, String> environment() {
        return new LinkedHashMap<>(environment);
    }
}
