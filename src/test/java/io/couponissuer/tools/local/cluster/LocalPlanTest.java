package io.couponissuer.tools.local.cluster;

import io.couponissuer.tools.local.cluster.LocalPlan.Node;
import io.couponissuer.tools.local.cluster.LocalPlan.ServiceKind;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** `cluster` runs docker-compose.yml itself: what the plan makes of the repository's file, and what it refuses. */
class LocalPlanTest {
    private static final Path DIR = Path.of("/tmp/coupon-cluster-plan-test");

    private static List<Node> plan(String compose) throws Exception {
        return plan(compose, Map.of());
    }

    private static List<Node> plan(String compose, Map<String, String> addresses) throws Exception {
        return LocalPlan.of(ComposeFile.parse(compose, Map.of("COUPON_ADMIN_TOKEN", "t", "COUPON_INSTANCE_SECRET", "s", "COUPON_RECORD_KEYS", "k=" + "x".repeat(32))::get),
                Dockerfile.parse(Files.readString(Path.of("Dockerfile"))), DIR, 29100, List.of("-Xmx256m"), Map.of(), addresses);
    }

    private static Node node(List<Node> plan, String service) {
        return plan.stream().filter(n -> n.service().equals(service)).findFirst().orElseThrow();
    }

    @Test
    void theRepositorysComposeFileRunsAsThreeKafkaNodesTwoIssuersAWriterAndAGatewayOnThisHost() throws Exception {
        List<Node> plan = plan(Files.readString(Path.of("docker-compose.yml")));
        assertThat(plan.stream().filter(n -> n.kind() == ServiceKind.KAFKA_NODE).map(Node::service)).containsExactly("kafka-1", "kafka-2", "kafka-3");
        assertThat(node(plan, "postgres").kind()).isEqualTo(ServiceKind.PROVIDED);
        assertThat(node(plan, "postgres").localPorts()).containsEntry(5432, 5432);
        // The monitoring profile is not the system: `docker compose up` leaves it out, and so does `cluster`.
        assertThat(plan).extracting(Node::service).doesNotContain("prometheus", "grafana");

        Map<String, String> kafka1 = node(plan, "kafka-1").environment();
        Path secrets = Path.of("secrets/kafka").toAbsolutePath();
        assertThat(kafka1).containsEntry("KAFKA_LISTENERS", "SASL_SSL://127.0.0.1:29100,CONTROLLER://127.0.0.1:29101,SSL://127.0.0.1:29102")
                .containsEntry("KAFKA_ADVERTISED_LISTENERS", "SASL_SSL://127.0.0.1:29100,SSL://127.0.0.1:29102")
                .containsEntry("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@127.0.0.1:29101,2@127.0.0.1:29104,3@127.0.0.1:29107")
                // The image finds the stores under /etc/kafka/secrets, which kafka-1 mounts from its own secrets directory.
                .containsEntry("KAFKA_SSL_KEYSTORE_LOCATION", secrets.resolve("kafka-1/keystore.p12").toString())
                .containsEntry("KAFKA_SSL_TRUSTSTORE_LOCATION", secrets.resolve("kafka-1/truststore.p12").toString())
                .containsEntry("KAFKA_LOG_DIRS", DIR.resolve("volumes/kafka-1").toString())
                // The compose file's own settings arrive unchanged.
                .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
                .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2")
                .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3");
        // The stores' password is read from their credentials file when the node starts.
        Path password = Files.writeString(Files.createTempFile("store-password", ""), "s3cret\n");
        Map<String, String> withPasswordFile = new java.util.HashMap<>(kafka1);
        withPasswordFile.replaceAll((key, value) -> key.endsWith("_CREDENTIALS_FILE") ? password.toString() : value);
        assertThat(KafkaImageEnvironment.of(withPasswordFile).serverProperties())
                .containsEntry("ssl.keystore.password", "s3cret").containsEntry("ssl.key.password", "s3cret")
                .containsEntry("ssl.truststore.password", "s3cret")
                .containsEntry("min.insync.replicas", "2").containsEntry("transaction.state.log.replication.factor", "3");
        // KAFKA_OPTS are the node's JVM options, the JAAS file moved with the mount.
        assertThat(node(plan, "kafka-1").jvmOptions())
                .contains("-Djava.security.auth.login.config=" + secrets.resolve("kafka-1/kafka_server_jaas.conf"));

        // The setup job runs to completion before the roles; it reaches the nodes' SSL listener with the admin certificate.
        Node setup = node(plan, "kafka-setup");
        assertThat(setup.job()).isTrue();
        assertThat(setup.readyUrl()).isNull();
        assertThat(setup.environment()).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:29102,127.0.0.1:29105,127.0.0.1:29108")
                .containsEntry("KAFKA_CLIENT_PROPERTIES", secrets.resolve("admin.properties").toString())
                .containsEntry("COUPON_KAFKA_USERS_FILE", secrets.resolve("users.properties").toString());
        assertThat(node(plan, "writer").job()).isFalse();
        assertThat(node(plan, "writer").environment()).containsEntry("KAFKA_CLIENT_PROPERTIES",
                secrets.resolve("writer.properties").toString());
        assertThat(node(plan, "gateway").environment()).containsEntry("KAFKA_CLIENT_PROPERTIES",
                secrets.resolve("gateway.properties").toString());

        for (String issuer : List.of("issuer-1", "issuer-2")) {
            Node node = node(plan, issuer);
            assertThat(node.arguments()).containsExactly("issuer");
            assertThat(node.environment()).containsEntry("COUPON_STANDBY_REPLICAS", "1").containsEntry("COUPON_INSTANCE_ID", issuer)
                    .containsEntry("COUPON_ISSUER_ADVERTISED_HOST", "127.0.0.1")
                    .containsEntry("COUPON_HTTP_HOST", "127.0.0.1")
                    .containsEntry("COUPON_ISSUER_HTTP_HOST", "127.0.0.1")
                    .containsEntry("COUPON_INSTANCE_SECRET", "s")
                    .containsEntry("COUPON_STATE_DIR", DIR.resolve("volumes/" + issuer + "/streams").toString())
                    .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:29100,127.0.0.1:29103,127.0.0.1:29106")
                    .containsEntry("KAFKA_CLIENT_PROPERTIES", secrets.resolve("issuer.properties").toString())
                    .containsEntry("COUPON_REPLICATION_FACTOR", "3").containsEntry("COUPON_MIN_INSYNC_REPLICAS", "2");
            // The Dockerfile's JVM options first, then the command's.
            assertThat(node.jvmOptions()).containsExactly("-XX:+ExitOnOutOfMemoryError", "-Xmx256m");
        }
        String issuer1 = node(plan, "issuer-1").environment().get("COUPON_ISSUER_HTTP_PORT");
        String issuer2 = node(plan, "issuer-2").environment().get("COUPON_ISSUER_HTTP_PORT");
        assertThat(issuer1).isNotEqualTo(issuer2);
        Node gateway = node(plan, "gateway");
        assertThat(gateway.environment()).containsEntry("COUPON_HTTP_PORT", "8080")
                .containsEntry("COUPON_ISSUER_URL", "http://127.0.0.1:" + issuer1 + ",http://127.0.0.1:" + issuer2)
                .containsEntry("COUPON_ADMIN_TOKEN", "t").containsEntry("COUPON_INSTANCE_SECRET", "s");
        assertThat(gateway.readyUrl()).isEqualTo("http://127.0.0.1:8080/health/ready");
        assertThat(node(plan, "writer").environment())
                .containsEntry("COUPON_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        assertThat(node(plan, "writer").readyUrl()).startsWith("http://127.0.0.1:291");
    }

    @Test
    void onANetworkOfItsOwnEachServiceListensOnAndIsReachedAtItsOwnAddress() throws Exception {
        List<Node> plan = plan(Files.readString(Path.of("docker-compose.yml")), Map.of("kafka-1", "10.77.0.11",
                "kafka-2", "10.77.0.12", "kafka-3", "10.77.0.13", "issuer-1", "10.77.0.21", "gateway", "10.77.0.31",
                "postgres", "10.77.0.1"));
        assertThat(node(plan, "kafka-1").environment())
                .containsEntry("KAFKA_LISTENERS", "SASL_SSL://10.77.0.11:29100,CONTROLLER://10.77.0.11:29101,SSL://10.77.0.11:29102")
                .containsEntry("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@10.77.0.11:29101,2@10.77.0.12:29104,3@10.77.0.13:29107");
        Map<String, String> issuer1 = node(plan, "issuer-1").environment();
        assertThat(issuer1).containsEntry("COUPON_ISSUER_HTTP_HOST", "10.77.0.21").containsEntry("COUPON_ISSUER_ADVERTISED_HOST", "10.77.0.21")
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "10.77.0.11:29100,10.77.0.12:29103,10.77.0.13:29106");
        assertThat(node(plan, "issuer-1").readyUrl()).startsWith("http://10.77.0.21:");
        Map<String, String> gateway = node(plan, "gateway").environment();
        assertThat(gateway.get("COUPON_JDBC_URL")).isEqualTo("jdbc:postgresql://10.77.0.1:5432/postgres");
        // A service given no address stays on this host's loopback.
        assertThat(gateway.get("COUPON_ISSUER_URL")).contains("http://10.77.0.21:").contains("http://127.0.0.1:");
        assertThat(node(plan, "writer").environment()).containsEntry("COUPON_HTTP_HOST", "127.0.0.1");
    }

    @Test
    void aBrokerLogOnNoVolumeIsRefused() {
        String compose = """
                services:
                  kafka-1:
                    image: apache/kafka:%s
                    environment:
                      KAFKA_NODE_ID: "1"
                    volumes: [kafka-1:/var/lib/kafka/data]
                """.formatted(LocalPlan.KAFKA_VERSION);
        // The image's own default log directory is /tmp/kraft-combined-logs: gone with the container.
        assertThatThrownBy(() -> plan(compose)).hasMessageContaining("KAFKA_LOG_DIRS is /tmp/kraft-combined-logs")
                .hasMessageContaining("would not survive");
    }

    @Test
    void anotherKafkaVersionThanThisBuildsIsRefused() {
        String compose = """
                services:
                  kafka-1:
                    image: apache/kafka:3.9.0
                """;
        assertThatThrownBy(() -> plan(compose)).hasMessageContaining("runs apache/kafka:3.9.0 but this build's Kafka is "
                + LocalPlan.KAFKA_VERSION);
    }

    @Test
    void aSettingPointingAtAPortTheServiceDoesNotListenOnIsRefused() {
        String compose = """
                services:
                  issuer-1:
                    image: coupon-issuer:latest
                    command: ["issuer"]
                    environment:
                      COUPON_ISSUER_HTTP_PORT: "8081"
                    volumes: [issuer-1:/var/lib/coupon-issuer]
                  gateway:
                    image: coupon-issuer:latest
                    command: ["gateway"]
                    environment:
                      COUPON_ISSUER_URL: "http://issuer-1:9999"
                """;
        assertThatThrownBy(() -> plan(compose)).hasMessageContaining("points at issuer-1:9999, but issuer-1 listens on [8081]");
    }

    @Test
    void composeInterpolationRequiresWhatTheFileRequires() {
        assertThat(ComposeFile.interpolate("s", "${A:-x}/${B}", Map.of("B", "y")::get)).isEqualTo("x/y");
        assertThatThrownBy(() -> ComposeFile.interpolate("gateway", "${COUPON_ADMIN_TOKEN:?set COUPON_ADMIN_TOKEN}", Map.<String, String>of()::get))
                .hasMessage("service gateway: COUPON_ADMIN_TOKEN must be set (set COUPON_ADMIN_TOKEN)");
    }

    @Test
    void imageEnvironmentVariablesBecomeBrokerPropertiesAsTheImageWritesThem() {
        assertThat(KafkaImageEnvironment.propertyName("KAFKA_LOG_DIRS")).isEqualTo("log.dirs");
        assertThat(KafkaImageEnvironment.propertyName("KAFKA_LISTENER_NAME_CONTROLLER___SASL")).isEqualTo("listener.name.controller-sasl");
        assertThat(KafkaImageEnvironment.propertyName("KAFKA_CONFLUENT__X")).isEqualTo("confluent_x");
        assertThat(KafkaImageEnvironment.of(Map.of("KAFKA_HEAP_OPTS", "-Xmx1g", "KAFKA_NODE_ID", "2")).serverProperties())
                .containsEntry("node.id", "2").doesNotContainKey("heap.opts");
    }
}
