package io.couponissuer.tools.local;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the broker decides before it starts Kafka: ports and the safety of --fresh. */
class EmbeddedKafkaBrokerTest {
    @TempDir
    Path dir;

    @Test
    void freshRefusesToWipeADirectoryItDidNotWrite() throws Exception {
        Path precious = Files.writeString(dir.resolve("thesis.txt"), "years of work");
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(BrokerConfig.SingleNode.of(settings(0, 0), true));

        assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("will not wipe").hasMessageContaining("thesis.txt");
        assertThat(precious).exists();
        // Not running: a second start is refused for the same reason, not as "already running".
        assertThatThrownBy(broker::start).hasMessageContaining("will not wipe");
    }

    @Test
    void portZeroPicksFreePortsOnceSoRestartsKeepTheAddress() {
        BrokerConfig.SingleNode picked = BrokerConfig.SingleNode.of(settings(0, 0), false);
        assertThat(picked.port()).isPositive().isNotEqualTo(picked.controllerPort());
        assertThat(new EmbeddedKafkaBroker(picked).bootstrapServers()).isEqualTo("127.0.0.1:" + picked.port());

        BrokerConfig.SingleNode fixed = BrokerConfig.SingleNode.of(settings(19092, 19093), false);
        assertThat(new EmbeddedKafkaBroker(fixed).bootstrapServers()).isEqualTo("127.0.0.1:19092");
        assertThat(fixed.controllerPort()).isEqualTo(19093);
    }

    private Settings settings(int port, int controllerPort) {
        return Settings.from(Map.of())
                .with(Setting.COUPON_BROKER_DIR, dir)
                .with(Setting.COUPON_BROKER_PORT, port)
                .with(Setting.COUPON_BROKER_CONTROLLER_PORT, controllerPort);
    }
}
