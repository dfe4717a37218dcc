package io.couponissuer.tools.nemesis;

import io.couponissuer.tools.local.cluster.LocalCluster;
import io.couponissuer.tools.local.cluster.RoleProcess;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The faults a cluster is put through, one at a time: each is injected on targets drawn from a seeded
 * {@link Random} (so a run can be repeated from its printed seed) and ended by {@link Fault#end()},
 * which restarts what was killed, wakes what was paused and heals the network.
 */
public final class Nemesis {
    /** What can go wrong; those that need the processes' own network say so. */
    public enum Kind {
        KILL_BROKER("kill -9 of a broker, restarted", false),
        KILL_ISSUER("kill -9 of an issuer, restarted", false),
        KILL_WRITER("kill -9 of the writer, restarted", false),
        KILL_GATEWAY("kill -9 of the gateway, restarted", false),
        PAUSE_BROKER("SIGSTOP of a broker, then SIGCONT", false),
        PAUSE_ISSUER("SIGSTOP of an issuer, then SIGCONT", false),
        PAUSE_WRITER("SIGSTOP of the writer, then SIGCONT", false),
        PAUSE_GATEWAY("SIGSTOP of the gateway, then SIGCONT", false),
        BROKER_ISOLATED("a broker cut off from every other node (a clean split)", true),
        QUORUM_SPLIT("the active controller cut off from every other node (2/1 split of the quorum)", true),
        BROKER_CUT_FROM_PEERS("a broker cut off from the other two only; clients still reach it (a partial split)", true),
        ONE_WAY_LOSS("every packet from a broker to the other two lost; theirs still arrive", true),
        ISSUER_CUT_FROM_BROKERS("an issuer cut off from every broker; the gateway still reaches it", true),
        GATEWAY_CUT_FROM_ISSUER("the gateway cut off from one issuer", true),
        SLOW_LINK("a broker's or an issuer's link slowed to 256 kbit/s", true);

        private final String description;
        private final boolean needsNetwork;

        Kind(String description, boolean needsNetwork) {
            this.description = description;
            this.needsNetwork = needsNetwork;
        }

        public String description() {
            return description;
        }
    }

    /** One fault in effect: what it is, on whom, and how it ends. */
    public record Fault(Kind kind, String what, Runnable ending) {
        /** Restarts, wakes or heals; returns at once (a restarted process is then still starting). */
        public void end() {
            ending.run();
        }
    }

    private final LocalCluster cluster;
    private final NamespaceNetwork network;
    private final Random random;
    private final Supplier<String> activeController;

    /**
     * @param network          the processes' network, or null (then only kills and pauses)
     * @param activeController the Kafka node (service) that is the active controller now
     */
    public Nemesis(LocalCluster cluster, NamespaceNetwork network, Random random, Supplier<String> activeController) {
        this.cluster = cluster;
        this.network = network;
        this.random = random;
        this.activeController = activeController;
    }

    /** The kinds this cluster can be put through. */
    public List<Kind> kinds() {
        return Arrays.stream(Kind.values()).filter(kind -> network != null || !kind.needsNetwork).toList();
    }

    /** A kind drawn at random from {@link #kinds()}. */
    public Kind draw() {
        List<Kind> kinds = kinds();
        return kinds.get(random.nextInt(kinds.size()));
    }

    /** Injects a fault of this kind; a network fault that fails half-way is healed before the error is thrown. */
    public Fault inject(Kind kind) {
        if (kind.needsNetwork && network == null) {
            throw new IllegalArgumentException(kind + " needs the processes on a network of their own");
        }
        try {
            return injectNow(kind);
        } catch (RuntimeException e) {
            if (kind.needsNetwork) {
                network.heal();
            }
            throw e;
        }
    }

    private Fault injectNow(Kind kind) {
        return switch (kind) {
            case KILL_BROKER -> kill(any("kafka-node"), kind);
            case KILL_ISSUER -> kill(any("issuer"), kind);
            case KILL_WRITER -> kill(any("writer"), kind);
            case KILL_GATEWAY -> kill(any("gateway"), kind);
            case PAUSE_BROKER -> pause(any("kafka-node"), kind);
            case PAUSE_ISSUER -> pause(any("issuer"), kind);
            case PAUSE_WRITER -> pause(any("writer"), kind);
            case PAUSE_GATEWAY -> pause(any("gateway"), kind);
            case BROKER_ISOLATED -> isolate(any("kafka-node"), kind);
            case QUORUM_SPLIT -> isolate(activeController.get(), kind);
            case BROKER_CUT_FROM_PEERS -> {
                String broker = any("kafka-node");
                List<String> others = otherServicesOfRole("kafka-node", broker);
                network.cut(List.of(broker), others);
                yield new Fault(kind, broker + " cut off from " + others, network::heal);
            }
            case ONE_WAY_LOSS -> {
                String broker = any("kafka-node");
                List<String> others = otherServicesOfRole("kafka-node", broker);
                others.forEach(other -> network.drop(broker, other));
                yield new Fault(kind, "packets from " + broker + " to " + others + " lost", network::heal);
            }
            case ISSUER_CUT_FROM_BROKERS -> {
                String issuer = any("issuer");
                network.cut(List.of(issuer), cluster.servicesOfRole("kafka-node"));
                yield new Fault(kind, issuer + " cut off from the brokers", network::heal);
            }
            case GATEWAY_CUT_FROM_ISSUER -> {
                String gateway = any("gateway");
                String issuer = any("issuer");
                network.cut(gateway, issuer);
                yield new Fault(kind, gateway + " cut off from " + issuer, network::heal);
            }
            case SLOW_LINK -> {
                String service = random.nextBoolean() ? any("kafka-node") : any("issuer");
                network.slow(service, "256kbit");
                yield new Fault(kind, service + "'s link slowed to 256 kbit/s", network::heal);
            }
        };
    }

    private Fault kill(String service, Kind kind) {
        cluster.kill(service);
        return new Fault(kind, "kill -9 " + service, () -> cluster.restart(service));
    }

    private Fault pause(String service, Kind kind) {
        RoleProcess process = cluster.process(service);
        process.pause();
        return new Fault(kind, "SIGSTOP " + service, process::resume);
    }

    private Fault isolate(String service, Kind kind) {
        network.isolate(service);
        return new Fault(kind, service + " cut off from every other node", network::heal);
    }

    private String any(String role) {
        List<String> services = cluster.servicesOfRole(role);
        if (services.isEmpty()) {
            throw new IllegalStateException("no service runs " + role);
        }
        return services.get(random.nextInt(services.size()));
    }

    private List<String> otherServicesOfRole(String role, String service) {
        return cluster.servicesOfRole(role).stream().filter(s -> !s.equals(service)).toList();
    }

    /** How long a fault is left in place: past every session (10 s) and transaction timeout (10 s). */
    public static final Duration HELD = Duration.ofSeconds(20);
}
