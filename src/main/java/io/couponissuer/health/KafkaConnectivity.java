package io.couponissuer.health;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Whether Kafka answers, probed every two seconds in the background so /health/ready never blocks. */
public final class KafkaConnectivity implements HealthCheck, AutoCloseable {
    private static final int PROBE_TIMEOUT_MS = 2_000;

    private final Admin admin;
    private final String bootstrap;
    private final ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "kafka-connectivity");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Result last;

    public KafkaConnectivity(Settings settings) {
        this.bootstrap = settings.get(Setting.KAFKA_BOOTSTRAP_SERVERS);
        this.last = Result.notReady("kafka", "not probed yet (" + bootstrap + ")");
        Map<String, Object> config = ClientConfigs.admin(settings);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "coupon-health");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, PROBE_TIMEOUT_MS);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, PROBE_TIMEOUT_MS);
        this.admin = Admin.create(config);
    }

    public KafkaConnectivity start() {
        probe.scheduleWithFixedDelay(this::probe, 0, 2, TimeUnit.SECONDS);
        return this;
    }

    private void probe() {
        try {
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(PROBE_TIMEOUT_MS)).nodes()
                    .get(PROBE_TIMEOUT_MS + 500L, TimeUnit.MILLISECONDS).size();
            last = nodes > 0 ? Result.ready("kafka") : Result.notReady("kafka", "no brokers at " + bootstrap);
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            // A refused identity is a configuration to fix, not a network to wait for: say so, with Kafka's reason.
            last = cause instanceof AuthenticationException
                    ? Result.notReady("kafka", "authentication refused at " + bootstrap + ": " + cause.getMessage()
                            + " (check KAFKA_CLIENT_PROPERTIES)")
                    : Result.notReady("kafka", "unreachable at " + bootstrap + ": " + cause.getClass().getSimpleName());
        }
    }

    @Override
    public Result check() {
        return last;
    }

    @Override
    public void close() {
        probe.shutdownNow();
        admin.close(java.time.Duration.ZERO); // a probe to a dead broker must not hold shutdown
    }
}
