package io.couponissuer.tools.local.cluster;

import io.couponissuer.tools.local.cluster.LocalPlan.Node;
import io.couponissuer.tools.local.cluster.LocalPlan.ServiceKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The planned services as OS processes: started in waves along {@code depends_on} (a wave starts once
 * the one before is ready; the Kafka nodes start together, as a quorum must), each waited for until
 * it is ready, and stopped in reverse order. Tests kill and restart single services through it.
 */
public final class LocalCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final String classpath;
    private final Path logDir;
    private final Duration startTimeout;
    private final Map<String, RoleProcess> processes = new LinkedHashMap<>();
    private final List<List<String>> waves;
    private final Function<String, List<String>> launcher;

    public LocalCluster(List<Node> plan, String classpath, Path logDir, Duration startTimeout) {
        this(plan, classpath, logDir, startTimeout, service -> List.of());
    }

    /** The same, each service's java command run by its {@code launcher} (its own network namespace). */
    public LocalCluster(List<Node> plan, String classpath, Path logDir, Duration startTimeout,
                        Function<String, List<String>> launcher) {
        this.launcher = launcher;
        plan.forEach(node -> nodes.put(node.service(), node));
        this.classpath = classpath;
        this.logDir = logDir;
        this.startTimeout = startTimeout;
        this.waves = waves(plan);
    }

    /** Starts every service, wave after wave; returns once all are ready (throws, with the log's tail, if one is not). */
    public LocalCluster start() {
        for (List<String> wave : waves) {
            long waveStart = System.nanoTime();
            for (String service : wave) {
                Node node = nodes.get(service);
                if (node.kind() == ServiceKind.PROVIDED) {
                    requireReachable(node);
                } else {
                    processes.put(service, RoleProcess.start(service, node.arguments(), classpath, node.jvmOptions(),
                            node.environment(), logDir, launcher.apply(service)));
                }
            }
            for (String service : wave) {
                if (processes.containsKey(service)) {
                    awaitReady(service, startTimeout);
                }
            }
            LOG.info("{} ready in {} ms", wave, (System.nanoTime() - waveStart) / 1_000_000);
        }
        return this;
    }

    public Node node(String service) {
        Node node = nodes.get(service);
        if (node == null) {
            throw new IllegalArgumentException("no service " + service + " in the plan: " + nodes.keySet());
        }
        return node;
    }

    public List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    /** The processes started so far (all of them once {@link #start} returned), in start order. */
    public List<RoleProcess> processes() {
        return List.copyOf(processes.values());
    }

    public RoleProcess process(String service) {
        RoleProcess process = processes.get(service);
        if (process == null) {
            throw new IllegalArgumentException("service " + service + " is not a process of this cluster");
        }
        return process;
    }

    /** The services that run {@code role} (kafka-node, issuer, ...), in the file's order. */
    public List<String> servicesOfRole(String role) {
        return nodes.values().stream().filter(n -> n.role().equals(role)).map(Node::service).toList();
    }

    /** Waits until {@code service} is ready again (after a restart), a job until it has succeeded; returns how long that took. */
    public Duration awaitReady(String service, Duration timeout) {
        Node node = node(service);
        RoleProcess process = process(service);
        if (node.job()) {
            return process.awaitSuccess(timeout);
        }
        return node.readyUrl() != null ? process.awaitHttpOk(node.readyUrl(), timeout)
                : process.awaitLog(node.readyLog(), timeout);
    }

    /** kill -9 of one service. */
    public void kill(String service) {
        process(service).kill();
    }

    /** Starts a stopped or killed service again, as it was planned (same data, same ports), without waiting. */
    public void restart(String service) {
        process(service).start();
    }

    /** Starts a stopped or killed service again with these settings changed from now on, without waiting. */
    public void restart(String service, Map<String, String> changes) {
        process(service).start(changes);
    }

    /** The Kafka nodes' first advertised addresses (the roles' listener), as a client's bootstrap list. */
    public String bootstrapServers() {
        return servicesOfRole("kafka-node").stream()
                .map(s -> nodes.get(s).environment().get("KAFKA_ADVERTISED_LISTENERS").split(",")[0].replaceFirst("^[A-Z_]+://", ""))
                .collect(Collectors.joining(","));
    }

    /**
     * The settings of a client allowed everything: the job that sets Kafka up (kafka-setup: its bootstrap
     * list and client properties, a super user's) where the plan has one, else a client of {@link #bootstrapServers}.
     */
    public Map<String, String> superUserSettings() {
        return nodes.values().stream().filter(n -> n.job() && n.role().equals("kafka-setup")).findFirst()
                .map(n -> Map.of("KAFKA_BOOTSTRAP_SERVERS", n.environment().get("KAFKA_BOOTSTRAP_SERVERS"),
                        "KAFKA_CLIENT_PROPERTIES", n.environment().getOrDefault("KAFKA_CLIENT_PROPERTIES", "")))
                .orElse(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers()));
    }

    /** http://address:port of a role's HTTP server. */
    public String url(String service) {
        String ready = node(service).readyUrl();
        if (ready == null) {
            throw new IllegalArgumentException(service + " serves no HTTP");
        }
        return ready.substring(0, ready.indexOf("/health/ready"));
    }

    /** SIGTERM to every process, last wave first (the Kafka nodes of a wave together); kill -9 after 30 s. */
    @Override
    public void close() {
        List<List<String>> reversed = new ArrayList<>(waves);
        java.util.Collections.reverse(reversed);
        for (List<String> wave : reversed) {
            List<Thread> stopping = new ArrayList<>();
            for (String service : wave) {
                RoleProcess process = processes.get(service);
                if (process != null && process.isAlive()) {
                    Thread thread = new Thread(process::stop, "stop-" + service);
                    thread.start();
                    stopping.add(thread);
                }
            }
            for (Thread thread : stopping) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void requireReachable(Node node) {
        for (int port : node.localPorts().values()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(LocalPlan.HOST, port), 2000);
            } catch (IOException e) {
                throw new IllegalStateException("service " + node.service() + " is not run by `cluster`: this machine's own must "
                        + "answer on " + LocalPlan.HOST + ":" + port + " (" + e.getMessage() + ")", e);
            }
        }
    }

    /** Start order: each wave holds the services whose dependencies are all in earlier waves. */
    private static List<List<String>> waves(List<Node> plan) {
        List<List<String>> waves = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        while (placed.size() < plan.size()) {
            List<String> wave = plan.stream().filter(n -> !placed.contains(n.service()))
                    .filter(n -> placed.containsAll(n.dependsOn())).map(Node::service).toList();
            if (wave.isEmpty()) {
                throw new IllegalArgumentException("depends_on has a cycle or names an unknown service among "
                        + plan.stream().filter(n -> !placed.contains(n.service())).map(Node::service).toList());
            }
            waves.add(wave);
            placed.addAll(wave);
        }
        return waves;
    }
}
