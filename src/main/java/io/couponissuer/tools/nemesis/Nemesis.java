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
        KILL_BROKER("kill -9 of a broker, restarted", Needs.NOTHING),
        KILL_ISSUER("kill -9 of an issuer, restarted", Needs.NOTHING),
        KILL_WRITER("kill -9 of the writer, restarted", Needs.NOTHING),
        KILL_GATEWAY("kill -9 of the gateway, restarted", Needs.NOTHING),
        PAUSE_BROKER("SIGSTOP of a broker, then SIGCONT", Needs.NOTHING),
        PAUSE_ISSUER("SIGSTOP of an issuer, then SIGCONT", Needs.NOTHING),
        PAUSE_WRITER("SIGSTOP of the writer, then SIGCONT", Needs.NOTHING),
        PAUSE_GATEWAY("SIGSTOP of the gateway, then SIGCONT", Needs.NOTHING),
        BROKER_ISOLATED("a broker cut off from every other node (a clean split)", Needs.NETWORK),
        QUORUM_SPLIT("the active controller cut off from every other node (2/1 split of the quorum)", Needs.NETWORK),
        BROKER_CUT_FROM_PEERS("a broker cut off from the other two only; clients still reach it (a partial split)", Needs.NETWORK),
        ONE_WAY_LOSS("every packet from a broker to the other two lost; theirs still arrive", Needs.NETWORK),
        ISSUER_CUT_FROM_BROKERS("an issuer cut off from every broker; the gateway still reaches it", Needs.NETWORK),
        GATEWAY_CUT_FROM_ISSUER("the gateway cut off from one issuer", Needs.NETWORK),
        SLOW_LINK("a broker's or an issuer's link slowed to 256 kbit/s", Needs.NETWORK),
        SLOW_DISK("a broker's or an issuer's disk I/O throttled to 256 KiB/s and 20 operations/s", Needs.DISKS);

        private final String description;
        private final Needs needs;

        Kind(String description, Needs needs) {
            this.description = description;
            this.needs = needs;
        }

        public String description() {
            return description;
        }
    }

    /** What a kind of fault needs of the machine besides the processes. */
    private enum Needs { NOTHING, NETWORK, DISKS }

    /** One fault in effect: what it is, on whom, and how it ends. */
    public record Fault(Kind kind, String what, Runnable ending) {
        /** Restarts, wakes or heals; returns at once (a restarted process is then still starting). */
        public void end() {
            ending.run();
        }
    }

    private final LocalCluster cluster;
    private final NamespaceNetwork network;
    private final SlowDisks disks;
    private final Random random;
    private final Supplier<String> activeController;

    /**
     * @param network          the processes' network, or null (then no partitions and no slow links)
     * @param disks            the slow disks, or null (then no slow disk)
     * @param activeController the Kafka node (service) that is the active controller now
     */
    public Nemesis(LocalCluster cluster, NamespaceNetwork network, SlowDisks disks, Random random,
                   Supplier<String> activeController) {
        this.cluster = cluster;
        this.network = network;
        this.disks = disks;
        this.random = random;
        this.activeController = activeController;
    }

    /** The kinds this cluster can be put through. */
    public List<Kind> kinds() {
        return Arrays.stream(Kind.values()).filter(this::canInject).toList();
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
        if (!canInject(kind)) {
            throw new IllegalArgumentException(kind + " needs " + (kind.needs == Needs.NETWORK
                    ? "the processes on a network of their own" : "slow disks (root, the blkio cgroup)"));
        }
        try {
            return injectNow(kind, target);
        } catch (RuntimeException e) {
            switch (kind.needs) {
                case NETWORK -> network.heal();
                case DISKS -> disks.heal();
                case NOTHING -> { }
            }
            throw e;
        }
    }

    private boolean canInject(Kind kind) {
        return switch (kind.needs) {
            case NOTHING -> true;
            case NETWORK -> network != null;
            case DISKS -> disks != null;
        };
    }

    /** The target a fault of this kind is put on when none is chosen. */
    private String draw(Kind kind) {
        return switch (kind) {
            case KILL_BROKER, PAUSE_BROKER, BROKER_ISOLATED, BROKER_CUT_FROM_PEERS, ONE_WAY_LOSS -> any("kafka-node");
            case KILL_ISSUER, PAUSE_ISSUER, ISSUER_CUT_FROM_BROKERS, GATEWAY_CUT_FROM_ISSUER -> any("issuer");
            case KILL_WRITER, PAUSE_WRITER -> any("writer");
            case KILL_GATEWAY, PAUSE_GATEWAY -> any("gateway");
            case QUORUM_SPLIT -> activeController.get();
            case SLOW_LINK, SLOW_DISK -> random.nextBoolean() ? any("kafka-node") : any("issuer");
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
            case SLOW_DISK -> {
                disks.slow(cluster.process(target).pid());
                yield new Fault(kind, target + "'s disk I/O throttled to 256 KiB/s and 20 operations/s", disks::heal);
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
