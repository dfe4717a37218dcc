package io.couponissuer.tools.nemesis;

import io.couponissuer.tools.local.ClusterCommand;
import io.couponissuer.tools.local.cluster.LocalCluster;
import io.couponissuer.tools.local.cluster.LocalPlan;
import io.couponissuer.tools.local.cluster.LocalPlan.ServiceKind;
import io.couponissuer.tools.local.cluster.RoleProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The compose file's cluster (as `cluster` plans it) with every process it starts in a network
 * namespace of its own: the brokers, issuers, writer, gateway and the setup job each have an address
 * on a {@link NamespaceNetwork}, and a service this machine provides (PostgreSQL) is reached through a
 * {@link HostRelay} at the bridge's address.
 */
public final class NetworkedCluster implements AutoCloseable {
    private final NamespaceNetwork network;
    private final List<HostRelay> relays;
    private final LocalCluster cluster;

    private NetworkedCluster(NamespaceNetwork network, List<HostRelay> relays, LocalCluster cluster) {
        this.network = network;
        this.relays = relays;
        this.cluster = cluster;
    }

    /**
     * Plans the compose file onto a new network and starts it; returns once every service is ready.
     *
     * @param compose the compose file (null: the working directory's, else the bundled one)
     */
    public static NetworkedCluster start(Path compose, Function<String, String> variables, Path dir, List<String> jvmOptions,
                                         Map<String, Map<String, String>> overrides, String classpath, Duration startTimeout) {
        Map<String, ServiceKind> kinds = ClusterCommand.serviceKinds(compose, variables, dir);
        List<String> processes = kinds.entrySet().stream().filter(e -> e.getValue() != ServiceKind.PROVIDED)
                .map(Map.Entry::getKey).toList();
        NamespaceNetwork network = NamespaceNetwork.create(processes);
        List<HostRelay> relays = new ArrayList<>();
        LocalCluster cluster = null;
        try {
            Map<String, String> addresses = new LinkedHashMap<>(network.addresses());
            kinds.forEach((service, kind) -> {
                if (kind == ServiceKind.PROVIDED) {
                    addresses.put(service, NamespaceNetwork.HOST_ADDRESS);
                }
            });
            List<LocalPlan.Node> plan = ClusterCommand.plan(compose, variables, dir, 0, jvmOptions, overrides, addresses);
            for (LocalPlan.Node node : plan) {
                if (node.kind() == ServiceKind.PROVIDED) {
                    node.localPorts().values().forEach(port -> HostRelay.startUnlessReachable(NamespaceNetwork.HOST_ADDRESS, port)
                            .ifPresent(relays::add));
                }
            }
            cluster = new LocalCluster(plan, classpath, dir.resolve("logs"), startTimeout, network::launcher);
            cluster.start();
            return new NetworkedCluster(network, relays, cluster);
        } catch (RuntimeException | Error e) {
            new NetworkedCluster(network, relays, cluster).close();
            throw e;
        }
    }

    public LocalCluster cluster() {
        return cluster;
    }

    public NamespaceNetwork network() {
        return network;
    }

    /** kill -9 of every process, then the relays and the network removed: a test or a soak keeps nothing. */
    @Override
    public void close() {
        try {
            if (cluster != null) {
                cluster.processes().forEach(RoleProcess::kill);
            }
        } finally {
            relays.forEach(HostRelay::close);
            network.close();
        }
    }
}
