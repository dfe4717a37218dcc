package io.couponissuer.kafka;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientConfigsTest {
    @TempDir
    Path dir;

    private Settings with(String properties) throws Exception {
        Path file = Files.writeString(dir.resolve("client.properties"), properties);
        return Settings.from(Map.of(Setting.KAFKA_BOOTSTRAP_SERVERS.name(), "kafka-1:9092",
                Setting.KAFKA_CLIENT_PROPERTIES.name(), file.toString()));
    }

    @Test
    void withoutAPropertiesFileEveryClientSpeaksPlaintext() {
        Settings settings = Settings.from(Map.of());
        assertThat(ClientConfigs.security(settings)).isEmpty();
        assertThat(ClientConfigs.producer(settings, "p")).doesNotContainKey("security.protocol");
    }

    @Test
    void theFilesSecurityReachesEveryKindOfClient() throws Exception {
        Settings settings = with("""
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username\\="gateway" password\\="p";
                ssl.truststore.type=PEM
                """);
        for (Map<String, Object> config : java.util.List.of(ClientConfigs.admin(settings), ClientConfigs.producer(settings, "p"),
                ClientConfigs.readCommittedConsumer(settings, "g", "c"), ClientConfigs.common(settings))) {
            assertThat(config).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry("ssl.truststore.type", "PEM").containsEntry("bootstrap.servers", "kafka-1:9092");
            assertThat((String) config.get("sasl.jaas.config")).contains("username=\"gateway\"");
        }
    }

    @Test
    void theFileMayNotChangeHowARoleReadsOrWrites() throws Exception {
        // isolation.level=read_uncommitted would let a reader see aborted decisions: refused, not applied.
        Settings settings = with("security.protocol=SSL\nisolation.level=read_uncommitted\n");
        assertThatThrownBy(() -> ClientConfigs.readCommittedConsumer(settings, null, "c"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sets isolation.level")
                .hasMessageContaining("only security.protocol, sasl.* and ssl.*");
    }

    @Test
    void anUnreadableFileIsNamed() {
        Settings settings = Settings.from(Map.of(Setting.KAFKA_CLIENT_PROPERTIES.name(), dir.resolve("missing").toString()));
        assertThatThrownBy(() -> ClientConfigs.admin(settings)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KAFKA_CLIENT_PROPERTIES: cannot read " + dir.resolve("missing"));
    }
}
