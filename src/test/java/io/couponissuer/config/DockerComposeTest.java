package io.couponissuer.config;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** docker-compose.yml cannot run here (no Docker engine), so its consistency with the code is checked instead. */
class DockerComposeTest {
    static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("docker-compose.yml")));
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> env(String service) {
        return (Map<String, Object>) services.get(service).get("environment");
    }

    static List<String> servicesOfRole(String role) {
        return services.entrySet().stream().filter(e -> List.of(role).equals(e.getValue().get("command")))
                .map(Map.Entry::getKey).sorted().toList();
    }

    @Test
    void kafkaVersionIsKnownToTheTest() {
        assertThat(System.getProperty("kafka.version")).as("set by surefire from the pom").matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void threeKraftNodesOfTheClientsKafkaVersionWithReplicationThreeAndMinIsrTwo() {
        List<String> kafka = services.keySet().stream()
                .filter(s -> String.valueOf(services.get(s).get("image")).startsWith("apache/kafka:")).sorted().toList();
        assertThat(kafka).containsExactly("kafka-1", "kafka-2", "kafka-3");
        for (String node : kafka) {
            assertThat(services.get(node).get("image")).isEqualTo("apache/kafka:" + System.getProperty("kafka.version"));
            Map<String, Object> env = env(node);
            assertThat(env.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
            assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"))
                    .isEqualTo("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093");
            assertThat((String) env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"))
                    .contains(env.get("KAFKA_NODE_ID") + "@" + node + ":9093");
            assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).isEqualTo("SASL_SSL://" + node + ":9092,SSL://" + node + ":9094");
            assertThat(env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR")).isEqualTo("3");
            assertThat(env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")).isEqualTo("2");
            assertThat(env.get("KAFKA_MIN_INSYNC_REPLICAS")).isEqualTo("2");
        }
    }

    @Test
    void kafkaIsSecuredWithTlsEverywhereAScramUserPerRoleAndNoAclNoAccess() {
        for (String node : List.of("kafka-1", "kafka-2", "kafka-3")) {
            Map<String, Object> env = env(node);
            assertThat((String) env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")).doesNotContain("PLAINTEXT")
                    .isEqualTo("CONTROLLER:SSL,SSL:SSL,SASL_SSL:SASL_SSL");
            assertThat(env.get("KAFKA_INTER_BROKER_LISTENER_NAME")).isEqualTo("SSL");
            assertThat(env.get("KAFKA_SSL_CLIENT_AUTH")).isEqualTo("required");
            assertThat(env.get("KAFKA_SASL_ENABLED_MECHANISMS")).isEqualTo("SCRAM-SHA-512");
            assertThat(env.get("KAFKA_AUTHORIZER_CLASS_NAME")).isEqualTo("org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            assertThat(env.get("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND")).isEqualTo("false");
            assertThat(env.get("KAFKA_SUPER_USERS")).isEqualTo("User:CN=kafka-1;User:CN=kafka-2;User:CN=kafka-3;User:CN=kafka-admin");
            assertThat(volumes(node)).contains("${COUPON_KAFKA_SECRETS_DIR:-./secrets/kafka}/" + node + ":/etc/kafka/secrets:ro");
        }
        // Each role mounts its own client properties (its own SCRAM user) and nothing else of the secrets.
        Map<String, String> own = Map.of("gateway", "gateway", "issuer-1", "issuer", "issuer-2", "issuer", "writer", "writer");
        own.forEach((service, user) -> {
            assertThat(env(service).get("KAFKA_CLIENT_PROPERTIES")).isEqualTo("/etc/coupon-issuer/kafka-client.properties");
            assertThat(volumes(service).stream().filter(v -> v.contains("secrets")).toList()).containsExactly(
                    "${COUPON_KAFKA_SECRETS_DIR:-./secrets/kafka}/" + user + ".properties:/etc/coupon-issuer/kafka-client.properties:ro");
            assertThat(dependsOn(service)).containsEntry("kafka-setup", Map.of("condition", "service_completed_successfully"));
        });
        assertThat(env("kafka-setup").get("KAFKA_BOOTSTRAP_SERVERS")).isEqualTo("kafka-1:9094,kafka-2:9094,kafka-3:9094");
        assertThat(volumes("kafka-setup")).containsExactly(
                "${COUPON_KAFKA_SECRETS_DIR:-./secrets/kafka}/admin.properties:/etc/coupon-issuer/kafka-client.properties:ro",
                "${COUPON_KAFKA_SECRETS_DIR:-./secrets/kafka}/users.properties:/etc/coupon-issuer/kafka-users.properties:ro");
    }

    @SuppressWarnings("unchecked")
    static List<String> volumes(String service) {
        return ((List<Object>) services.get(service).getOrDefault("volumes", List.of())).stream().map(String::valueOf).toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> dependsOn(String service) {
        return (Map<String, Object>) services.get(service).get("depends_on");
    }

    @Test
    void rolesUseOnlySettingsTheCodeKnowsAndPointAtTheCluster() {
        Set<String> known = Arrays.stream(Setting.values()).map(Enum::name).collect(Collectors.toSet());
        for (String service : List.of("gateway", "issuer-1", "issuer-2", "writer")) {
            Map<String, Object> env = env(service);
            assertThat(known).as("settings of " + service).containsAll(env.keySet());
            assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS")).isEqualTo("kafka-1:9092,kafka-2:9092,kafka-3:9092");
            assertThat(env.get("COUPON_REPLICATION_FACTOR")).isEqualTo("3");
            assertThat(env.get("COUPON_MIN_INSYNC_REPLICAS")).isEqualTo("2");
        }
    }

    @Test
    void twoIssuerInstancesWithStandbyReplicasAndDistinctIdentities() {
        List<String> issuers = servicesOfRole("issuer");
        assertThat(issuers).containsExactly("issuer-1", "issuer-2");
        for (String issuer : issuers) {
            assertThat(env(issuer).get("COUPON_STANDBY_REPLICAS")).isEqualTo("1");
            assertThat(env(issuer).get("COUPON_INSTANCE_ID")).isEqualTo(issuer);
            assertThat(env(issuer).get("COUPON_ISSUER_ADVERTISED_HOST")).isEqualTo(issuer);
        }
        assertThat(servicesOfRole("gateway")).containsExactly("gateway");
        assertThat(servicesOfRole("writer")).containsExactly("writer");
        assertThat((String) env("gateway").get("COUPON_ISSUER_URL")).contains("issuer-1:8081");
        assertThat(env("writer").get("COUPON_JDBC_URL")).isEqualTo("jdbc:postgresql://postgres:5432/postgres");
    }

    /**
     * The gateway reaches the issuers' store ports over the network, so they listen on every interface
     * (the port is not published), and the gateway and the issuers share one secret from the environment,
     * never a value written in the file; the writer asks no issuer and gets none.
     */
    @Test
    void gatewayAndIssuersShareTheInstanceSecretFromTheEnvironment() {
        for (String service : List.of("gateway", "issuer-1", "issuer-2")) {
            assertThat((String) env(service).get("COUPON_INSTANCE_SECRET")).as(service)
                    .startsWith("${COUPON_INSTANCE_SECRET:?");
        }
        assertThat(env("writer")).doesNotContainKey("COUPON_INSTANCE_SECRET");
        for (String service : List.of("gateway", "issuer-1", "issuer-2")) {
            assertThat((String) env(service).get("COUPON_RECORD_KEYS")).as(service).startsWith("${COUPON_RECORD_KEYS:?");
        }
        for (String issuer : servicesOfRole("issuer")) {
            assertThat(env(issuer).get("COUPON_ISSUER_HTTP_HOST")).as(issuer).isEqualTo("0.0.0.0");
            assertThat(services.get(issuer)).as("%s publishes no port", issuer).doesNotContainKey("ports");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theMonitoringProfileScrapesEveryRoleOnThePortItServesMetricsOn() throws IOException {
        for (String kit : List.of("prometheus", "grafana")) {
            assertThat((List<String>) services.get(kit).get("profiles")).as(kit).containsExactly("monitoring");
        }
        assertThat((List<String>) services.get("prometheus").get("volumes"))
                .contains("./ops/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
                        "./ops/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro");
        Map<String, Object> prometheus = new Yaml().load(Files.readString(Path.of("ops/prometheus/prometheus.yml")));
        assertThat((List<String>) prometheus.get("rule_files")).containsExactly("/etc/prometheus/alerts.yml");
        Map<String, List<String>> targets = new TreeMap<>();
        for (Map<String, Object> job : (List<Map<String, Object>>) prometheus.get("scrape_configs")) {
            List<String> jobTargets = new ArrayList<>();
            for (Map<String, Object> config : (List<Map<String, Object>>) job.get("static_configs")) {
                jobTargets.addAll((List<String>) config.get("targets"));
            }
            targets.put((String) job.get("job_name"), jobTargets);
        }
        // Each role's metrics port as the compose file sets it (or the setting's default).
        assertThat(targets).containsExactly(
                Map.entry("coupon-gateway", List.of("gateway:" + env("gateway").get("COUPON_MANAGEMENT_PORT"))),
                Map.entry("coupon-issuer", servicesOfRole("issuer").stream()
                        .map(issuer -> issuer + ":" + env(issuer).get("COUPON_ISSUER_HTTP_PORT")).toList()),
                Map.entry("coupon-writer", List.of("writer:" + env("writer").getOrDefault("COUPON_WRITER_HTTP_PORT",
                        Setting.COUPON_WRITER_HTTP_PORT.defaultValue()))));
    }
}
