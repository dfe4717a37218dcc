package io.couponissuer.tools.local.secrets;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** `kafka-secrets`: the certificates and credentials docker-compose.yml mounts (docs/security.md#kafkas-own-security). */
@Command(name = "kafka-secrets", mixinStandardHelpOptions = true,
        description = "Generate a private CA, the Kafka nodes' keystores, the setup job's certificate and a SCRAM user and "
                + "client properties file per role, for running the production shape secured. Never commit them.")
public final class KafkaSecretsCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = "secrets/kafka", description = "Where to write them (default: ${DEFAULT-VALUE}, "
            + "which docker-compose.yml mounts unless COUPON_KAFKA_SECRETS_DIR says otherwise).")
    Path dir;

    @Option(names = "--nodes", split = ",", defaultValue = "kafka-1,kafka-2,kafka-3",
            description = "Host names of the Kafka nodes, one certificate each (default: ${DEFAULT-VALUE}).")
    List<String> nodes;

    @Option(names = "--force", description = "Replace a complete set that is already there (every role then needs the new files).")
    boolean force;

    @Override
    public Integer call() {
        if (KafkaSecrets.present(dir, nodes) && !force) {
            System.out.println("Kafka secrets already in " + dir.toAbsolutePath().normalize() + " (--force replaces them)");
            return 0;
        }
        Path written = KafkaSecrets.generate(dir, nodes);
        System.out.println("Kafka secrets written to " + written + " (CA, keystores of " + nodes + ", "
                + KafkaSecrets.ADMIN + ", a SCRAM user per role). Then: docker compose up --build");
        return 0;
    }
}
