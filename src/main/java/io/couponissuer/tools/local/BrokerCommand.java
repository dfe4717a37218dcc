package io.couponissuer.tools.local;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.TopicSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** `broker`: a single-node Kafka broker in this process with the system's topics, until Ctrl-C. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run a single-node Kafka broker (KRaft) in this process, create the topics, "
                + "and serve until Ctrl-C. Data: COUPON_BROKER_DIR; ports: COUPON_BROKER_PORT, COUPON_BROKER_CONTROLLER_PORT.")
public final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--fresh", description = "Wipe the broker's data directory before starting.")
    boolean fresh;

    private final Settings settings;

    public BrokerCommand() {
        this(Settings.fromEnvironment());
    }

    BrokerCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(BrokerConfig.SingleNode.of(settings, fresh));
        CountDownLatch stopped = new CountDownLatch(1);
        // Registered before start: a Ctrl-C during start-up still shuts the broker down cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-shutdown"));
        broker.start();
        new TopicSetup(settings.with(Setting.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers())).createAll();
        System.out.println("Kafka broker ready: KAFKA_BOOTSTRAP_SERVERS=" + broker.bootstrapServers()
                + " (data in " + broker.dataDir() + "; Ctrl-C to stop)");
        stopped.await();
        return 0;
    }
}
