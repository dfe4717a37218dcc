package io.couponissuer.tools.local.cluster;

import io.couponissuer.config.Setting;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docker-compose.yml's services as processes on this machine. Nothing is invented: every setting comes
 * from the compose file, the app image's Dockerfile or the apache/kafka image's own defaults; the plan
 * only moves what a container has to itself onto one host:
 * <ul>
 *   <li>a service's ports get their own local ports ({@code basePort} upwards, or free ones when it is
 *       0; a port the file publishes keeps its host port), and {@code service:port} in any value points
 *       there; {@code ://:port} and {@code 0.0.0.0} listen on the service's own address, a {@code *_HOST}
 *       naming a service is that service's address (127.0.0.1 for all, or each its own on a network
 *       of its own);</li>
 *   <li>a named volume is a directory {@code dir/volumes/name}, and a value under its mount path is
 *       under that directory; a bind mount's value points at its host path (relative: to the working
 *       directory), also inside a value such as {@code KAFKA_OPTS="-Dx=/mount/file"};</li>
 *   <li>a Kafka node's KAFKA_OPTS are its JVM options, as the image's start script makes them;</li>
 *   <li>a service another waits to have completed ({@code service_completed_successfully}) is a job: it
 *       is ready when it has exited with 0;</li>
 *   <li>a service of another image (postgres) is not started: this machine's own runs on 127.0.0.1
 *       at the container's port.</li>
 * </ul>
 * The apache/kafka services run as `kafka-node` of this build; the plan refuses an image version other
 * than this build's Kafka, and a broker log or issuer state directory that is on no volume (the
 * data would not survive its container).
 */
public final class LocalPlan {
    public static final String HOST = "127.0.0.1";
    private static final String APP_IMAGE = "coupon-issuer";
    private static final String KAFKA_IMAGE = "apache/kafka";
    private static final Pattern SERVICE_PORT = Pattern.compile("(?<![A-Za-z0-9.-])([A-Za-z0-9][A-Za-z0-9_.-]*):(\\d{2,5})(?!\\d)");
    private static final Pattern LISTEN_ALL = Pattern.compile("://(?:0\\.0\\.0\\.0)?:(\\d{2,5})");
    /** The HTTP port each role of the app listens on (the setting, its value in the container). */
    private static final Map<String, Setting> ROLE_PORT = Map.of(
            "gateway", Setting.COUPON_HTTP_PORT,
            "issuer", Setting.COUPON_ISSUER_HTTP_PORT,
            "writer", Setting.COUPON_WRITER_HTTP_PORT);

    /** This build's Kafka (what kafka-clients reports about itself; the broker classes come in the same version). */
    static final String KAFKA_VERSION = kafkaVersion();

    public enum ServiceKind { KAFKA_NODE, ROLE, PROVIDED }

    /**
     * One service as a local process: {@code Main arguments} with this environment; ready when its log
     * says {@code readyLog} (a Kafka node) or GET {@code readyUrl} answers 200 (a role).
     */
    public record Node(String service, ServiceKind kind, List<String> arguments, Map<String, String> environment,
                       List<String> jvmOptions, List<String> dependsOn, String readyLog, String readyUrl,
                       Map<Integer, Integer> localPorts, boolean job) {
        public Node {
            arguments = List.copyOf(arguments);
            environment = Map.copyOf(environment);
            jvmOptions = List.copyOf(jvmOptions);
            dependsOn = List.copyOf(dependsOn);
            localPorts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(localPorts));
        }

        /** The role this node runs (gateway, issuer, writer, kafka-node), or the image of a provided one. */
        public String role() {
            return arguments.isEmpty() ? "(provided)" : arguments.get(0);
        }
    }

    private final ComposeFile compose;
    private final Dockerfile dockerfile;
    private final Path dir;
    private final int basePort;
    /**
     * Each service's kind by its name (the keys are the names a setting may point at), in the file's
     * order: looked up for every setting, so worked out (and the Kafka image's version checked) once.
     */
    private final Map<String, ServiceKind> kinds = new LinkedHashMap<>();
    private final Map<String, Map<Integer, Integer>> ports = new LinkedHashMap<>();
    /** Each service's address where it is not {@link #HOST}. */
    private final Map<String, String> addresses;
    private int nextPort;

    private LocalPlan(ComposeFile compose, Dockerfile dockerfile, Path dir, int basePort, Map<String, String> addresses) {
        this.compose = compose;
        this.addresses = Map.copyOf(addresses);
        this.dockerfile = dockerfile;
        this.dir = dir.toAbsolutePath().normalize();
        this.basePort = basePort;
        this.nextPort = basePort;
        compose.services().forEach(service -> kinds.put(service.name(), kind(service)));
    }

    /**
     * @param dir          where the volumes live ({@code dir/volumes/<name>})
     * @param basePort     first local port to hand out, 0 for free ports
     * @param jvmOptions   JVM options of every process, after the Dockerfile's (heap size, collector)
     * @param overrides    per service, settings that replace the planned ones (tests: their own database),
     *                     with {@code service:port} in them rewritten as in the file's
     * @param addresses    per service, the address it listens on and is reached at, where not 127.0.0.1
     */
    public static List<Node> of(ComposeFile compose, Dockerfile dockerfile, Path dir, int basePort,
                                List<String> jvmOptions, Map<String, Map<String, String>> overrides,
                                Map<String, String> addresses) {
        return new LocalPlan(compose, dockerfile, dir, basePort, addresses).nodes(jvmOptions, overrides);
    }

    private String address(String service) {
        return addresses.getOrDefault(service, HOST);
    }

    private List<Node> nodes(List<String> jvmOptions, Map<String, Map<String, String>> overrides) {
        java.util.Set<String> jobs = new java.util.HashSet<>();
        compose.services().forEach(service -> jobs.addAll(service.awaitsCompletionOf()));
        Map<String, Map<String, String>> environments = new LinkedHashMap<>();
        for (ComposeFile.Service service : compose.services()) {
            ServiceKind kind = kinds.get(service.name());
            Map<String, String> env = new LinkedHashMap<>();
            if (kind == ServiceKind.KAFKA_NODE) {
                env.putAll(KafkaImageEnvironment.of(service.environment()).environment());
            } else if (kind == ServiceKind.ROLE) {
                env.putAll(dockerfile.environment());
                env.putAll(service.environment());
                Setting port = ROLE_PORT.get(role(service));
                if (port != null) {
                    env.putIfAbsent(port.name(), port.defaultValue());
                }
            }
            environments.put(service.name(), env);
            allocateOwnPorts(service, kind, env);
        }
        List<Node> nodes = new ArrayList<>();
        for (ComposeFile.Service service : compose.services()) {
            ServiceKind kind = kinds.get(service.name());
            Map<String, String> env = new LinkedHashMap<>();
            environments.get(service.name()).forEach((key, value) -> env.put(key, rewrite(service, key, value, true)));
            // An override may name a service (postgres:5432) like the file does, and is pointed there the same way.
            overrides.getOrDefault(service.name(), Map.of()).forEach((key, value) -> env.put(key, rewrite(service, key, value, false)));
            requireOnVolume(service, kind, env);
            List<String> jvm = new ArrayList<>(kind == ServiceKind.ROLE ? dockerfile.jvmOptions() : List.of());
            jvm.addAll(jvmOptions);
            if (kind == ServiceKind.KAFKA_NODE && !env.getOrDefault("KAFKA_OPTS", "").isBlank()) {
                jvm.addAll(List.of(env.get("KAFKA_OPTS").trim().split("\\s+")));
            }
            Map<Integer, Integer> own = ports.getOrDefault(service.name(), Map.of());
            boolean job = jobs.contains(service.name());
            switch (kind) {
                case KAFKA_NODE -> nodes.add(new Node(service.name(), kind, List.of("kafka-node"), env, jvm,
                        service.dependsOn(), "Kafka node " + env.get("KAFKA_NODE_ID") + " ready", null, own, job));
                case ROLE -> {
                    Setting port = ROLE_PORT.get(role(service));
                    String url = port == null || job ? null
                            : "http://" + address(service.name()) + ":" + env.get(port.name()) + "/health/ready";
                    nodes.add(new Node(service.name(), kind, service.command(), env, jvm, service.dependsOn(), null, url, own,
                            job));
                }
                case PROVIDED -> nodes.add(new Node(service.name(), kind, List.of(), Map.of(), List.of(),
                        service.dependsOn(), null, null, own, job));
            }
        }
        // A provided service's ports are known once every setting pointing at it has been rewritten.
        return nodes.stream().map(n -> n.kind() != ServiceKind.PROVIDED ? n : new Node(n.service(), n.kind(), n.arguments(),
                n.environment(), n.jvmOptions(), n.dependsOn(), null, null, ports.getOrDefault(n.service(), Map.of()), n.job()))
                .toList();
    }

    /** What each service of the file is, in the file's order (before ports and addresses are planned). */
    public static Map<String, ServiceKind> kinds(ComposeFile compose) {
        Map<String, ServiceKind> kinds = new LinkedHashMap<>();
        compose.services().forEach(service -> kinds.put(service.name(), kind(service)));
        return kinds;
    }

    private static ServiceKind kind(ComposeFile.Service service) {
        String image = service.image();
        if (image.startsWith(KAFKA_IMAGE + ":")) {
            String version = image.substring(KAFKA_IMAGE.length() + 1);
            if (!version.equals(KAFKA_VERSION)) {
                throw new IllegalArgumentException("service " + service.name() + " runs " + image + " but this build's Kafka is "
                        + KAFKA_VERSION + ": the local cluster would not run what the compose file runs");
            }
            return ServiceKind.KAFKA_NODE;
        }
        return image.startsWith(APP_IMAGE + ":") ? ServiceKind.ROLE : ServiceKind.PROVIDED;
    }

    private static String role(ComposeFile.Service service) {
        return service.command().isEmpty() ? "" : service.command().get(0);
    }

    /** The ports a service listens on in its container, in the order it names them. */
    private void allocateOwnPorts(ComposeFile.Service service, ServiceKind kind, Map<String, String> env) {
        Map<Integer, Integer> own = ports.computeIfAbsent(service.name(), s -> new LinkedHashMap<>());
        // A published port keeps its host port, except with free ports (tests: nothing may be fixed).
        for (ComposeFile.PublishedPort published : service.ports()) {
            own.put(published.container(), basePort == 0 ? allocate() : published.host());
        }
        switch (kind) {
            case KAFKA_NODE -> {
                Matcher m = Pattern.compile("://[^:,]*:(\\d+)").matcher(env.getOrDefault("KAFKA_LISTENERS", ""));
                while (m.find()) {
                    own.computeIfAbsent(Integer.parseInt(m.group(1)), p -> allocate());
                }
            }
            case ROLE -> {
                Setting port = ROLE_PORT.get(role(service));
                if (port != null) {
                    own.computeIfAbsent(Integer.parseInt(env.get(port.name())), p -> allocate());
                }
                // A second listener of the role (the gateway's management port), when the file sets one.
                String management = env.getOrDefault(Setting.COUPON_MANAGEMENT_PORT.name(), "");
                if (!management.isBlank()) {
                    own.computeIfAbsent(Integer.parseInt(management.trim()), p -> allocate());
                }
            }
            case PROVIDED -> { } // filled when referenced: this machine's own service on the same port
        }
    }

    private int localPort(String service, int containerPort) {
        Map<Integer, Integer> own = ports.computeIfAbsent(service, s -> new LinkedHashMap<>());
        boolean provided = kinds.get(service) == ServiceKind.PROVIDED;
        Integer local = own.get(containerPort);
        if (local == null) {
            if (!provided) {
                throw new IllegalArgumentException("a setting points at " + service + ":" + containerPort
                        + ", but " + service + " listens on " + own.keySet());
            }
            local = containerPort;
            own.put(containerPort, local);
        }
        return local;
    }

    /** @param fromFile a value of the compose file (its port settings are container ports), not an override (local already) */
    private String rewrite(ComposeFile.Service service, String key, String value, boolean fromFile) {
        Map<Integer, Integer> own = ports.getOrDefault(service.name(), Map.of());
        if (fromFile && isPortSetting(key) && own.containsKey(parseOrMinus(value))) {
            return String.valueOf(own.get(Integer.parseInt(value)));
        }
        if (key.endsWith("_HOST") && kinds.containsKey(value)) {
            return address(value);
        }
        if (key.endsWith("_HOST") && value.equals("0.0.0.0")) {
            return address(service.name());
        }
        String result = value;
        Matcher listenAll = LISTEN_ALL.matcher(result);
        StringBuilder out = new StringBuilder();
        while (listenAll.find()) {
            int port = Integer.parseInt(listenAll.group(1));
            listenAll.appendReplacement(out, "://" + address(service.name()) + ":" + own.getOrDefault(port, port));
        }
        listenAll.appendTail(out);
        result = out.toString();
        Matcher servicePort = SERVICE_PORT.matcher(result);
        out = new StringBuilder();
        while (servicePort.find()) {
            String host = servicePort.group(1);
            String replacement = kinds.containsKey(host)
                    ? address(host) + ":" + localPort(host, Integer.parseInt(servicePort.group(2)))
                    : servicePort.group();
            servicePort.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        servicePort.appendTail(out);
        result = out.toString();
        for (ComposeFile.Volume volume : service.volumes()) {
            // The mount path as a whole value or as the start of one word or of a -Dname= value.
            Matcher mounted = Pattern.compile("(^|[=\\s])" + Pattern.quote(volume.containerPath()) + "(?=/|\\s|$)").matcher(result);
            result = mounted.replaceAll(m -> Matcher.quoteReplacement(m.group(1) + volumeDir(volume)));
        }
        return result;
    }

    private void requireOnVolume(ComposeFile.Service service, ServiceKind kind, Map<String, String> env) {
        String key = kind == ServiceKind.KAFKA_NODE ? "KAFKA_LOG_DIRS"
                : kind == ServiceKind.ROLE && role(service).equals("issuer") ? Setting.COUPON_STATE_DIR.name() : null;
        if (key == null) {
            return;
        }
        Path volumes = dir.resolve("volumes");
        for (String path : env.get(key).split(",")) {
            if (!Path.of(path).toAbsolutePath().normalize().startsWith(volumes)) {
                throw new IllegalArgumentException("service " + service.name() + ": " + key + " is " + path
                        + ", on none of its volumes " + service.volumes() + ": its data would not survive the container");
            }
        }
    }

    private Path volumeDir(ComposeFile.Volume volume) {
        return volume.bind() ? Path.of(volume.hostPath()).toAbsolutePath().normalize() : dir.resolve("volumes").resolve(volume.name());
    }

    private int allocate() {
        if (basePort == 0) {
            return FreePort.next();
        }
        return nextPort++;
    }

    private static boolean isPortSetting(String key) {
        return key.equals(Setting.COUPON_MANAGEMENT_PORT.name())
                || ROLE_PORT.values().stream().anyMatch(setting -> setting.name().equals(key));
    }

    private static int parseOrMinus(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String kafkaVersion() {
        try (java.io.InputStream in = LocalPlan.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            java.util.Properties properties = new java.util.Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("cannot tell this build's Kafka version (kafka/kafka-version.properties)", e);
        }
    }
}
