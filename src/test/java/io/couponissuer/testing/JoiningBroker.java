package io.couponissuer.testing;

import io.couponissuer.tools.local.BrokerConfig;
import io.couponissuer.tools.local.cluster.FreePort;

import java.nio.file.Path;
import java.util.Properties;

/**
 * A broker-only node (no controller) that joins a running single node's cluster: for tests that need a
 * partition led by another broker, e.g. one that can lose its leader while the first stays up.
 */
public final class JoiningBroker {
    private JoiningBroker() {
    }

    /**
     * The single node's broker settings, as node {@code nodeId} with a port of its own and its data in
     * {@code dataDir}, voting through the single node's controller. Call it once that node has started: the
     * cluster id is the one its storage was formatted with.
     */
    public static BrokerConfig.ClusterNode of(BrokerConfig.SingleNode controller, int nodeId, Path dataDir) {
        int port = FreePort.next();
        Properties properties = controller.properties();
        properties.put("process.roles", "broker");
        properties.put("node.id", String.valueOf(nodeId));
        properties.put("listeners", "PLAINTEXT://" + BrokerConfig.HOST + ":" + port);
        properties.put("advertised.listeners", "PLAINTEXT://" + BrokerConfig.HOST + ":" + port);
        properties.put("log.dirs", dataDir.toAbsolutePath().normalize().toString());
        return new BrokerConfig.ClusterNode(properties, controller.clusterId());
    }
}
