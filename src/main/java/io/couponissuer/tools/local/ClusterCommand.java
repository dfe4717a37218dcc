package io.couponissuer.tools.local;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.query.InstanceSecret;
import io.couponissuer.tools.local.cluster.ComposeFile;
import io.couponissuer.tools.local.cluster.Dockerfile;
import io.couponissuer.tools.local.cluster.LocalCluster;
import io.couponissuer.tools.local.cluster.LocalPlan;
import io.couponissuer.tools.local.cluster.LocalPlan.Node;
import io.couponissuer.tools.local.cluster.LocalPlan.ServiceKind;
import io.couponissuer.tools.local.cluster.RoleProcess;
import io.couponissuer.tools.local.secrets.KafkaSecrets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * `cluster`: the production shape of docker-compose.yml (three KRaft nodes, two issuers with standby
 * replicas, a writer, a gateway) as separate OS processes of this jar on this machine, with the
 * settings the compose file gives each service (see {@link LocalPlan} for the few that move from
 * containers to one host). PostgreSQL is this machine's own on 127.0.0.1:5432.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Run docker-compose.yml's production shape as local processes: 3 Kafka nodes, 2 issuers, a writer "
                + "and a gateway, until Ctrl-C. Data and logs: COUPON_CLUSTER_DIR; ports from COUPON_CLUSTER_BASE_PORT.")
public final class ClusterCommand implements Callable<Integer> {
    private static final String BUNDLED = "/production-shape/";
    /** The compose file's variable for the directory `kafka-secrets` wrote. */
    private static final String KAFKA_SECRETS_DIR = "COUPON_KAFKA_SECRETS_DIR";

    @Option(names = "--fresh", description = "Start from scratch: wipes the cluster's volumes (broker logs, issuer state) "
            + "and deletes every row of the coupon table the writer points at.")
    boolean fresh;

    @Option(names = "--compose", paramLabel = "FILE", description = "The compose file to run (its Dockerfile next to it); "
            + "default: docker-compose.yml in the working directory, else the copy this jar was built with.")
    Path composeFile;

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = Settings.fromEnvironment();
        Map<String, String> variables = new HashMap<>(System.getenv());
        String token = variables.getOrDefault(Setting.COUPON_ADMIN_TOKEN.name(), "");
        if (token.isEmpty()) {
            token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
            variables.put(Setting.COUPON_ADMIN_TOKEN.name(), token);
        }
        // The processes run here and now only: a secret nobody else needs to know.
        variables.putIfAbsent(Setting.COUPON_INSTANCE_SECRET.name(), InstanceSecret.random());
        Path dir = settings.getPath(Setting.COUPON_CLUSTER_DIR).toAbsolutePath().normalize();
        // Kept with the volumes: a restarted cluster replays records the last run signed.
        if (variables.getOrDefault(Setting.COUPON_RECORD_KEYS.name(), "").isBlank()) {
            variables.put(Setting.COUPON_RECORD_KEYS.name(),
                    io.couponissuer.kafka.RecordKeyFile.loadOrCreate(dir.resolve(io.couponissuer.kafka.RecordKeyFile.NAME)));
        }
        // Parsed once: the plan and --fresh's volumes come from the same file as read and interpolated.
        Function<String, String> interpolation = withKafkaSecrets(variables::get, dir);
        ComposeFile compose = parse(composeFile, interpolation);
        List<Node> plan = plan(compose, composeFile, dir, secretsDir(interpolation),
                settings.getInt(Setting.COUPON_CLUSTER_BASE_PORT), jvmOptions(settings), Map.of(), Map.of());
        if (fresh) {
            wipe(plan, volumeNames(compose), dir);
        }
        RoleProcess.ownerStopsProcessesOnExit();
        LocalCluster cluster = new LocalCluster(plan, RoleProcess.ownClasspath(), dir.resolve("logs"), Duration.ofMinutes(3));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping the cluster (gateway, then writer and issuers, then the Kafka nodes)...");
            cluster.close();
            stopped.countDown();
        }, "cluster-shutdown"));
        System.out.println("Starting " + plan.stream().filter(n -> n.kind() != ServiceKind.PROVIDED).count()
                + " processes; logs in " + dir.resolve("logs"));
        cluster.start();
        print(cluster, token);
        stopped.await();
        return 0;
    }

    /** The plan for a compose file ({@code null}: the working directory's, else the bundled one). */
    public static List<Node> plan(Path compose, Function<String, String> variables, Path dir, int basePort,
                                  List<String> jvmOptions, Map<String, Map<String, String>> overrides) {
        return plan(compose, variables, dir, basePort, jvmOptions, overrides, Map.of());
    }

    /** What each service of a compose file is, in the file's order ({@code compose} null: as for {@link #plan}). */
    public static Map<String, LocalPlan.ServiceKind> serviceKinds(Path compose, Function<String, String> variables, Path dir) {
        return LocalPlan.kinds(parse(compose, withKafkaSecrets(variables, dir)));
    }

    /** The same on a network where each service has its own address ({@link LocalPlan#of}); the nodes' certificates name theirs. */
    public static List<Node> plan(Path compose, Function<String, String> variables, Path dir, int basePort,
                                  List<String> jvmOptions, Map<String, Map<String, String>> overrides,
                                  Map<String, String> addresses) {
        Function<String, String> interpolation = withKafkaSecrets(variables, dir);
        return plan(parse(compose, interpolation), compose, dir, secretsDir(interpolation), basePort, jvmOptions, overrides,
                addresses);
    }

    /**
     * The Kafka secrets the compose file mounts from COUPON_KAFKA_SECRETS_DIR: when it is unset, the
     * cluster's own in {@code dir/secrets/kafka}, generated on first use like the record keys.
     */
    private static Function<String, String> withKafkaSecrets(Function<String, String> variables, Path dir) {
        String own = dir.toAbsolutePath().normalize().resolve("secrets").resolve("kafka").toString();
        return name -> {
            String value = variables.apply(name);
            return name.equals(KAFKA_SECRETS_DIR) && (value == null || value.isBlank()) ? own : value;
        };
    }

    private static Path secretsDir(Function<String, String> interpolation) {
        return Path.of(interpolation.apply(KAFKA_SECRETS_DIR)).toAbsolutePath().normalize();
    }

    /** Generates the secrets a compose file's services mount from the secrets directory, when they are not all there. */
    private static void ensureKafkaSecrets(ComposeFile file, Path secrets, Map<String, String> addresses) {
        List<String> kafkaNodes = file.services().stream().filter(service -> service.image().startsWith("apache/kafka:"))
                .map(ComposeFile.Service::name).toList();
        boolean mounted = file.services().stream().flatMap(service -> service.volumes().stream())
                .anyMatch(volume -> volume.bind() && Path.of(volume.hostPath()).toAbsolutePath().normalize().startsWith(secrets));
        if (mounted && !KafkaSecrets.present(secrets, kafkaNodes)) {
            System.out.println("Generating the cluster's Kafka certificates and SCRAM users in " + secrets + " ...");
            KafkaSecrets.generate(secrets, kafkaNodes, addresses);
        }
    }

    /** The plan for an already parsed compose file; {@code compose} (or null) only locates its Dockerfile. */
    private static List<Node> plan(ComposeFile file, Path compose, Path dir, Path secrets, int basePort,
                                   List<String> jvmOptions, Map<String, Map<String, String>> overrides,
                                   Map<String, String> addresses) {
        ensureKafkaSecrets(file, secrets, addresses);
        Dockerfile dockerfile = Dockerfile.parse(read(compose == null ? null : compose.resolveSibling("Dockerfile"), "Dockerfile"));
        return LocalPlan.of(file, dockerfile, dir, basePort, jvmOptions, overrides, addresses);
    }

    private static ComposeFile parse(Path compose, Function<String, String> variables) {
        return ComposeFile.parse(read(compose, "docker-compose.yml"), variables);
    }

    private static String read(Path given, String name) {
        try {
            if (given != null) {
                return Files.readString(given);
            }
            if (Files.exists(Path.of(name))) {
                return Files.readString(Path.of(name));
            }
            try (InputStream in = ClusterCommand.class.getResourceAsStream(BUNDLED + name)) {
                if (in == null) {
                    throw new IllegalStateException("no " + name + " here and none in the jar");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + (given != null ? given : name), e);
        }
    }

    private static List<String> jvmOptions(Settings settings) {
        String options = settings.get(Setting.COUPON_CLUSTER_JVM_OPTS).trim();
        return options.isEmpty() ? List.of() : Arrays.asList(options.split("\\s+"));
    }

    /** The named volumes of the compose file's services: what `--fresh` may wipe. */
    private static Set<String> volumeNames(ComposeFile compose) {
        return compose.services().stream()
                .flatMap(service -> service.volumes().stream()).filter(volume -> !volume.bind()).map(ComposeFile.Volume::name).collect(Collectors.toSet());
    }

    /**
     * --fresh: the coupon table first (if PostgreSQL is down, nothing is wiped), then the volumes; a
     * volumes directory holding anything else (a mistyped COUPON_CLUSTER_DIR) is refused.
     */
    private static void wipe(List<Node> plan, Set<String> volumeNames, Path dir) {
        OwnedDirectories.requireOwned(dir.resolve("volumes"), volumeNames, "the local cluster");
        for (Node node : plan) {
            if (node.role().equals("writer")) {
                int removed = FreshCouponTable.empty(Settings.from(node.environment()));
                System.out.printf("--fresh: removed %d coupon rows from %s%n", removed,
                        node.environment().get(Setting.COUPON_JDBC_URL.name()));
            }
        }
        OwnedDirectories.wipe(dir.resolve("volumes"), volumeNames, "the local cluster");
    }

    /** How `lag` proves who it is on this cluster: the ops user's properties, next to the setup job's (empty when unsecured). */
    private static String opsClient(LocalCluster cluster) {
        String setup = cluster.superUserSettings().getOrDefault(Setting.KAFKA_CLIENT_PROPERTIES.name(), "");
        return setup.isBlank() ? "" : " KAFKA_CLIENT_PROPERTIES="
                + Path.of(setup).resolveSibling(KafkaSecrets.clientProperties(io.couponissuer.ops.access.KafkaUser.OPS));
    }

    private static void print(LocalCluster cluster, String token) {
        StringBuilder table = new StringBuilder();
        for (Node node : cluster.nodes()) {
            String where = node.localPorts().values().stream().map(p -> LocalPlan.HOST + ":" + p)
                    .collect(Collectors.joining(", "));
            String pid = node.kind() == ServiceKind.PROVIDED ? "this machine's" : "pid " + cluster.process(node.service()).pid();
            table.append(String.format("  %-10s %-11s %-15s %s%n", node.service(), node.role(), pid, where));
        }
        String gateway = cluster.servicesOfRole("gateway").stream().findFirst().map(cluster::url).orElse("(no gateway)");
        // The operators' routes are on the gateway's management port when the compose file gives it one.
        String ops = cluster.nodes().stream().filter(n -> n.service().equals("gateway"))
                .map(n -> n.environment().getOrDefault("COUPON_MANAGEMENT_PORT", ""))
                .filter(port -> !port.isBlank()).map(port -> "http://" + LocalPlan.HOST + ":" + port)
                .findFirst().orElse(gateway);
        System.out.printf("""

                coupon-issuer cluster is running (Ctrl-C stops it):
                %s
                  export KAFKA_BOOTSTRAP_SERVERS=%s
                  gateway:      %s
                  ops, metrics: %s/ops, %s/metrics
                  admin token:  %s

                  curl -s -X POST %s/api/events -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' -d '{"eventId":"spring-sale","cap":100}'
                  curl -s -X POST '%s/api/events/spring-sale/applications?waitMs=2000' -H 'Content-Type: application/json' -d '{"userId":"u-42"}'
                  KAFKA_BOOTSTRAP_SERVERS=%s%s bin/coupon-issuer lag

                """, table, cluster.bootstrapServers(), gateway, ops, ops, token, gateway, token, gateway,
                cluster.bootstrapServers(), opsClient(cluster));
    }
}
