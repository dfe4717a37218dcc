package io.couponissuer.ops.access;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.health.HealthCheck;
import io.couponissuer.health.KafkaConnectivity;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.Topics;
import io.couponissuer.testing.BuildOutput;
import io.couponissuer.testing.TestDatabase;
import io.couponissuer.tools.local.ClusterCommand;
import io.couponissuer.tools.local.cluster.LocalCluster;
import io.couponissuer.tools.local.cluster.LocalPlan;
import io.couponissuer.tools.local.cluster.RoleProcess;
import io.couponissuer.tools.local.secrets.KafkaSecrets;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The production shape's brokers, secured as docker-compose.yml secures them (three nodes, TLS, SCRAM,
 * StandardAuthorizer, no ACL no access) and set up by its kafka-setup job: each role is refused what it
 * has no right to, an unknown or mistaken identity is refused at the door, and kafka-setup makes the
 * ACLs exactly its table again. That every role can do its work under these ACLs is ProductionShapeIT's.
 */
class KafkaAccessIT {
    @RegisterExtension
    static final TestDatabase database = TestDatabase.perClass();
    private static LocalCluster cluster;
    private static List<LocalPlan.Node> plan;
    private static Path secrets;

    @BeforeAll
    static void startSecuredBrokers() {
        Path dir = Path.of("target", "kafka-access", UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        plan = ClusterCommand.plan(Path.of("docker-compose.yml"), Map.of("COUPON_ADMIN_TOKEN", "t",
                        "COUPON_INSTANCE_SECRET", "kafka-access-instance-secret",
                        "COUPON_RECORD_KEYS", "ka=" + "kafka-access-record-key".repeat(2))::get,
                dir, 0, RoleProcess.SMALL_JVM, Map.of());
        List<LocalPlan.Node> brokersAndSetup = plan.stream()
                .filter(n -> n.kind() == LocalPlan.ServiceKind.KAFKA_NODE || n.role().equals("kafka-setup")).toList();
        cluster = new LocalCluster(brokersAndSetup, BuildOutput.classpath(), dir.resolve("logs"), Duration.ofMinutes(3));
        try {
            cluster.start();
        } catch (RuntimeException | Error e) {
            cluster.processes().forEach(RoleProcess::kill);
            throw e;
        }
        secrets = dir.resolve("secrets").resolve("kafka");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.processes().forEach(RoleProcess::kill);
        }
    }

    /** The settings of a client that is {@code user}, with the properties kafka-secrets wrote for it. */
    private static Settings as(KafkaUser user) {
        return Settings.from(Map.of(Setting.KAFKA_BOOTSTRAP_SERVERS.name(), cluster.bootstrapServers(),
                Setting.KAFKA_CLIENT_PROPERTIES.name(), secrets.resolve(KafkaSecrets.clientProperties(user)).toString()));
    }

    private static void send(Settings client, String topic) throws Exception {
        Map<String, Object> config = ClientConfigs.producer(client, "kafka-access-it");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            try {
                producer.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw (Exception) e.getCause();
            }
        }
    }

    @Test
    void eachRoleWritesWhereItsWorkIsAndIsRefusedWhereItIsNot() throws Exception {
        // Allowed, so the refusals below are the ACLs and not a broken connection.
        send(as(KafkaUser.GATEWAY), Topics.APPLY_REQUESTS.name());
        send(as(KafkaUser.WRITER), Topics.FAILED.name());
        send(as(KafkaUser.ISSUER), Topics.ISSUED.name());

        // The gateway forging a coupon, the writer an application, ops a rejection.
        assertThatThrownBy(() -> send(as(KafkaUser.GATEWAY), Topics.ISSUED.name())).isInstanceOf(TopicAuthorizationException.class)
                .hasMessageContaining(Topics.ISSUED.name());
        assertThatThrownBy(() -> send(as(KafkaUser.WRITER), Topics.APPLY_REQUESTS.name()))
                .isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> send(as(KafkaUser.OPS), Topics.REJECTED.name())).isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> send(as(KafkaUser.WRITER), Topics.EVENTS.name())).isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void noRoleButTheIssuerUsesTheIssuersTransactionalIdsOrGroup() {
        // A gateway posing as an issuer instance to fence it, or joining its group to take its partitions.
        Map<String, Object> transactional = ClientConfigs.producer(as(KafkaUser.GATEWAY), "posing");
        transactional.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "coupon-issuer-0-1");
        transactional.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(transactional, new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(producer::initTransactions).isInstanceOf(TransactionalIdAuthorizationException.class);
        }
        Map<String, Object> config = ClientConfigs.readCommittedConsumer(as(KafkaUser.WRITER), "coupon-issuer", "posing");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.ISSUED.name()));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(20))).isInstanceOf(GroupAuthorizationException.class);
        }
    }

    @Test
    void noRoleMayDeleteOrCreateTopics() {
        for (KafkaUser user : KafkaUser.values()) {
            try (Admin admin = Admin.create(ClientConfigs.admin(as(user)))) {
                assertThatThrownBy(() -> admin.deleteTopics(List.of(Topics.ISSUED.name())).all().get(30, TimeUnit.SECONDS))
                        .as(user + " deleting coupon.issued").hasCauseInstanceOf(TopicAuthorizationException.class);
                assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("coupon.forged", 1, (short) 3))).all()
                        .get(30, TimeUnit.SECONDS)).as(user + " creating a topic").hasCauseInstanceOf(TopicAuthorizationException.class);
            }
        }
    }

    @Test
    void anUnknownUserOrAWrongPasswordIsRefusedAtTheDoorAndReadinessSaysWhy() throws Exception {
        Path mallory = withCredentials("mallory", "a-password-nobody-gave-out");
        Path wrongPassword = withCredentials("gateway", "not-the-gateways-password");
        for (Path properties : List.of(mallory, wrongPassword)) {
            Settings client = Settings.from(Map.of(Setting.KAFKA_BOOTSTRAP_SERVERS.name(), cluster.bootstrapServers(),
                    Setting.KAFKA_CLIENT_PROPERTIES.name(), properties.toString()));
            assertThatThrownBy(() -> send(client, Topics.APPLY_REQUESTS.name())).isInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("invalid credentials");
            try (KafkaConnectivity kafka = new KafkaConnectivity(client).start()) {
                HealthCheck.Result result = awaitChecked(kafka);
                assertThat(result.ready()).isFalse();
                assertThat(result.reason()).contains("authentication refused at " + cluster.bootstrapServers())
                        .contains("invalid credentials").contains("KAFKA_CLIENT_PROPERTIES");
            }
        }
    }

    @Test
    void aRoleRunWithAnotherRolesIdentitySaysWhatItWasRefusedInItsLogAndReadiness() throws Exception {
        // The compose file's writer, given the gateway's client properties: it may not join the writers' group.
        LocalPlan.Node writer = plan.stream().filter(n -> n.role().equals("writer")).findFirst().orElseThrow();
        Map<String, String> env = new HashMap<>(writer.environment());
        env.put(Setting.KAFKA_CLIENT_PROPERTIES.name(), secrets.resolve(KafkaSecrets.clientProperties(KafkaUser.GATEWAY)).toString());
        env.put(Setting.COUPON_JDBC_URL.name(), database.jdbcUrl());
        int port = io.couponissuer.tools.local.cluster.FreePort.next();
        env.put(Setting.COUPON_WRITER_HTTP_PORT.name(), String.valueOf(port));
        RoleProcess wrong = RoleProcess.start("writer-as-gateway", writer.arguments(), BuildOutput.classpath(), RoleProcess.SMALL_JVM,
                env, cluster.process("kafka-1").log().getParent());
        try {
            HttpClient http = HttpClient.newHttpClient();
            String reason = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!reason.contains("Not authorized to access group") && System.nanoTime() < deadline) {
                Thread.sleep(500);
                try {
                    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
                    // (Ready for a moment after its database migration, until its first poll is refused.)
                    reason = ready.statusCode() == 503 ? ready.body() : "";
                } catch (java.io.IOException notListeningYet) {
                    assertThat(wrong.isAlive()).as("the writer keeps running, and saying why it is not ready").isTrue();
                }
            }
            assertThat(reason).contains("Not authorized to access group: coupon-writer");
            assertThat(Files.readString(wrong.log())).contains("GroupAuthorizationException");
        } finally {
            wrong.kill();
        }
    }

    @Test
    void kafkaSetupMakesTheAclsExactlyItsTableAgain() throws Exception {
        Settings superUser = Settings.from(cluster.superUserSettings());
        AclBinding stray = new AclBinding(new ResourcePattern(ResourceType.TOPIC, Topics.ISSUED.name(), PatternType.LITERAL),
                new AccessControlEntry(KafkaUser.GATEWAY.principal().toString(), "*", AclOperation.WRITE, AclPermissionType.ALLOW));
        try (Admin admin = Admin.create(ClientConfigs.admin(superUser))) {
            admin.createAcls(List.of(stray)).all().get(30, TimeUnit.SECONDS);
        }
        awaitAllowed(() -> send(as(KafkaUser.GATEWAY), Topics.ISSUED.name()));

        cluster.restart("kafka-setup");
        cluster.awaitReady("kafka-setup", Duration.ofMinutes(2));
        assertThat(Files.readString(cluster.process("kafka-setup").log())).contains("1 removed");
        try (Admin admin = Admin.create(ClientConfigs.admin(superUser))) {
            Set<AclBinding> gateway = Set.copyOf(admin.describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY).values()
                    .get(30, TimeUnit.SECONDS).stream().filter(b -> b.entry().principal().equals("User:gateway")).toList());
            assertThat(gateway).isEqualTo(new RoleAcls(Settings.from(Map.of())).of(KafkaUser.GATEWAY));
        }
        assertThatThrownBy(() -> send(as(KafkaUser.GATEWAY), Topics.ISSUED.name())).isInstanceOf(TopicAuthorizationException.class);
    }

    private static Path withCredentials(String user, String password) throws Exception {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(secrets.resolve(KafkaSecrets.clientProperties(KafkaUser.GATEWAY)))) {
            properties.load(reader);
        }
        properties.setProperty("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        Path file = Files.createTempFile(secrets, user, ".properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, null);
        }
        return file;
    }

    private static HealthCheck.Result awaitChecked(KafkaConnectivity kafka) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HealthCheck.Result result = kafka.check();
        while (result.reason() != null && result.reason().startsWith("not probed") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            result = kafka.check();
        }
        return result;
    }

    /** ACLs reach every broker's authorizer through the metadata log: a moment after createAcls returns. */
    private static void awaitAllowed(ThrowingRunnable action) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                action.run();
                return;
            } catch (TopicAuthorizationException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
