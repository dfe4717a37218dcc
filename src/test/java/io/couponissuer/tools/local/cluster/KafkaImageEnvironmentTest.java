package io.couponissuer.tools.local.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The apache/kafka image's configure script, as far as a secured node needs it. */
class KafkaImageEnvironmentTest {
    private static Map<String, String> secured() {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_ADVERTISED_LISTENERS", "SASL_SSL://kafka-1:9092,SSL://kafka-1:9094",
                "KAFKA_SSL_KEYSTORE_FILENAME", "keystore.p12",
                "KAFKA_SSL_KEYSTORE_CREDENTIALS", "store-password",
                "KAFKA_SSL_KEY_CREDENTIALS", "store-password",
                "KAFKA_SSL_TRUSTSTORE_FILENAME", "truststore.p12",
                "KAFKA_SSL_TRUSTSTORE_CREDENTIALS", "store-password",
                "KAFKA_SSL_CLIENT_AUTH", "required",
                "KAFKA_OPTS", "-Djava.security.auth.login.config=/etc/kafka/secrets/jaas.conf"));
        return env;
    }

    @Test
    void anAdvertisedSslListenerFindsItsStoresUnderTheSecretsDirectory() {
        Map<String, String> env = KafkaImageEnvironment.of(secured()).environment();
        assertThat(env).containsEntry("KAFKA_SSL_KEYSTORE_LOCATION", "/etc/kafka/secrets/keystore.p12")
                .containsEntry("KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/secrets/truststore.p12")
                .containsEntry("KAFKA_SSL_KEY_CREDENTIALS_FILE", "/etc/kafka/secrets/store-password");
    }

    @Test
    void thePasswordsAreTheCredentialsFilesContents(@TempDir Path dir) throws Exception {
        Path password = Files.writeString(dir.resolve("store-password"), "s3cret\n");
        Map<String, String> env = secured();
        // As `cluster` plans it: the secrets directory moved onto this host.
        for (String credentials : new String[]{"KAFKA_SSL_KEY_CREDENTIALS", "KAFKA_SSL_KEYSTORE_CREDENTIALS", "KAFKA_SSL_TRUSTSTORE_CREDENTIALS"}) {
            env.put(credentials + "_FILE", password.toString());
        }
        assertThat(KafkaImageEnvironment.of(env).serverProperties()).containsEntry("ssl.key.password", "s3cret")
                .containsEntry("ssl.keystore.password", "s3cret").containsEntry("ssl.truststore.password", "s3cret")
                .containsEntry("ssl.keystore.location", "/etc/kafka/secrets/keystore.p12")
                .doesNotContainKey("kafka.opts").doesNotContainKey("ssl.key.credentials.file");
    }

    @Test
    void whatTheImageRequiresIsRequiredHereToo() {
        Map<String, String> noKeystore = secured();
        noKeystore.remove("KAFKA_SSL_KEYSTORE_FILENAME");
        assertThatThrownBy(() -> KafkaImageEnvironment.of(noKeystore))
                .hasMessageContaining("KAFKA_SSL_KEYSTORE_FILENAME environment variable not set");
        Map<String, String> noJaas = secured();
        noJaas.remove("KAFKA_OPTS");
        assertThatThrownBy(() -> KafkaImageEnvironment.of(noJaas)).hasMessageContaining("KAFKA_OPTS environment variable not set");
        // Listener names are what the image looks at: a CLIENT listener that is SASL_SSL would not be set up.
        Map<String, String> renamed = secured();
        renamed.put("KAFKA_ADVERTISED_LISTENERS", "CLIENT://kafka-1:9092");
        assertThat(KafkaImageEnvironment.of(renamed).environment()).doesNotContainKey("KAFKA_SSL_KEYSTORE_LOCATION");
    }
}
