package io.couponissuer.kafka;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.tools.local.cluster.FreePort;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Without a reachable Kafka, topic setup gives up in bounded time and says where it looked. */
class TopicSetupTest {
    @Test
    void unreachableKafkaFailsInTimeNamingTheBootstrapServers() throws IOException {
        int closedPort = FreePort.next(); // nothing listens there
        String bootstrap = "127.0.0.1:" + closedPort;
        Settings settings = Settings.from(Map.of()).with(Setting.KAFKA_BOOTSTRAP_SERVERS, bootstrap);

        long started = System.nanoTime();
        assertThatThrownBy(() -> new TopicSetup(settings, Duration.ofSeconds(2)).createAll())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(bootstrap)
                .hasMessageContaining("no answer within 2 s");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }
}
