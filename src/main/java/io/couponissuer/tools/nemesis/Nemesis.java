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

    /** Injects a fault of this kind on a target drawn at random; see {@link #inject(Kind, String)}. */
    public Fault inject(Kind kind) {
        return inject(kind, draw(kind));
    }

    /**
     * Injects a fault of this kind on {@code target}: the process killed, paused, cut off or slowed (for
     * {@link Kind#GATEWAY_CUT_FROM_ISSUER} the issuer the gateway loses; for {@link Kind#QUORUM_SPLIT}
     * the active controller). A network fault that fails half-way is healed before the error is thrown.
     */
    public Fault inject(Kind kind, String target) {
        if (kind.needsNetwork && network == null) {
            throw new IllegalArgumentException(kind + " needs the processes on a network of their own");
        }
        try {
            return injectNow(kind, target);
        } catch (RuntimeException e) {
            if (kind.needsNetwork) {
                network.heal();
            }
            throw e;
        }
    }

    /** The target a fault of this kind is put on when none is chosen. */
    private String draw(Kind kind) {
        return switch (kind) {
            case KILL_BROKER, PAUSE_BROKER, BROKER_ISOLATED, BROKER_CUT_FROM_PEERS, ONE_WAY_LOSS -> any("kafka-node");
            case KILL_ISSUER, PAUSE_ISSUER, ISSUER_CUT_FROM_BROKERS, GATEWAY_CUT_FROM_ISSUER -> any("issuer");
            case KILL_WRITER, PAUSE_WRITER -> any("writer");
            case KILL_GATEWAY, PAUSE_GATEWAY -> any("gateway");
            case QUORUM_SPLIT -> activeController.get();
            case SLOW_LINK -> random.nextBoolean() ? any("kafka-node") : any("issuer");
        };
    }

    private Fault injectNow(Kind kind, String target) {
        return switch (kind) {
            case KILL_BROKER, KILL_ISSUER, KILL_WRITER, KILL_GATEWAY -> {
                cluster.kill(target);
                yield new Fault(kind, "kill -9 " + target, () -> cluster.restart(target));
            }
            case PAUSE_BROKER, PAUSE_ISSUER, PAUSE_WRITER, PAUSE_GATEWAY -> {
                RoleProcess process = cluster.process(target);
                process.pause();
                yield new Fault(kind, "SIGSTOP " + target, process::resume);
            }
            case BROKER_ISOLATED, QUORUM_SPLIT -> {
                network.isolate(target);
                yield new Fault(kind, target + " cut off from every other node", network::heal);
            }
            case BROKER_CUT_FROM_PEERS -> {
                List<String> others = otherServicesOfRole("kafka-node", target);
                network.cut(List.of(target), others);
                yield new Fault(kind, target + " cut off from " + others, network::heal);
            }
            case ONE_WAY_LOSS -> {
                List<String> others = otherServicesOfRole("kafka-node", target);
                others.forEach(other -> network.drop(target, other));
                yield new Fault(kind, "packets from " + target + " to " + others + " lost", network::heal);
            }
            case ISSUER_CUT_FROM_BROKERS -> {
                network.cut(List.of(target), cluster.servicesOfRole("kafka-node"));
                yield new Fault(kind, target + " cut off from the brokers", network::heal);
            }
            case GATEWAY_CUT_FROM_ISSUER -> {
                String gateway = any("gateway");
                network.cut(gateway, target);
                yield new Fault(kind, gateway + " cut off from " + target, network::heal);
            }
            case SLOW_LINK -> {
                network.slow(target, "256kbit");
                yield new Fault(kind, target + "'s link slowed to 256 kbit/s", network::heal);
            }
        };
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
