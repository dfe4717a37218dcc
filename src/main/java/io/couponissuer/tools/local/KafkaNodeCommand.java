package io.couponissuer.tools.local;

import io.couponissuer.tools.local.cluster.KafkaImageEnvironment;
import picocli.CommandLine.Command;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * `kafka-node`: one KRaft node of a cluster, configured from the environment the way the apache/kafka
 * image configures a container (KAFKA_* variables, CLUSTER_ID). `cluster` runs three of them with the
 * environment docker-compose.yml gives the image, so the local production shape runs the compose
 * file's broker settings on this build's Kafka.
 */
@Command(name = "kafka-node", mixinStandardHelpOptions = true,
        description = "Run one Kafka KRaft node configured like the apache/kafka image: KAFKA_* environment variables "
                + "(KAFKA_NODE_ID, KAFKA_PROCESS_ROLES, KAFKA_LISTENERS, KAFKA_LOG_DIRS, ...) and CLUSTER_ID. Used by `cluster`.")
public final class KafkaNodeCommand implements Callable<Integer> {
    private final Map<String, String> environment;

    public KafkaNodeCommand() {
        this(System.getenv());
    }

    KafkaNodeCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws InterruptedException {
        KafkaImageEnvironment image = KafkaImageEnvironment.of(environment);
        Properties config = image.serverProperties();
        EmbeddedKafkaBroker node = new EmbeddedKafkaBroker(new BrokerConfig.ClusterNode(config, image.clusterId()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "kafka-node-shutdown"));
        node.start();
        System.out.println("Kafka node " + config.getProperty("node.id") + " ready on " + node.bootstrapServers()
                + " (data in " + node.dataDir() + "; Ctrl-C to stop)");
        stopped.await();
        return 0;
    }
}
