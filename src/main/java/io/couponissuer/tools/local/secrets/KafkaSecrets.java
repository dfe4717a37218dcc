package io.couponissuer.tools.local.secrets;

import io.couponissuer.ops.access.KafkaUser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * One directory with everything a secured cluster needs, laid out so that each container mounts only
 * its own part (docker-compose.yml):
 * <ul>
 *   <li>{@code ca/}: the private CA ({@code ca.p12} with its key, {@code ca.crt}); mounted nowhere;</li>
 *   <li>{@code kafka-N/}: one Kafka node's {@code keystore.p12} (CN=kafka-N, valid for kafka-N, localhost
 *       and 127.0.0.1, signed by the CA), {@code truststore.p12} (the CA), {@code store-password} for both
 *       and {@code kafka_server_jaas.conf} (the SCRAM login module): what the apache/kafka image reads from
 *       /etc/kafka/secrets (KAFKA_SSL_*_FILENAME, KAFKA_SSL_*_CREDENTIALS, KAFKA_OPTS);</li>
 *   <li>{@code gateway.properties}, {@code issuer.properties}, {@code writer.properties},
 *       {@code ops.properties}: each role's KAFKA_CLIENT_PROPERTIES (SASL_SSL, SCRAM-SHA-512, a random
 *       password, the CA inline as PEM so that the file works wherever it is mounted);</li>
 *   <li>{@code users.properties}: those passwords, which kafka-setup gives the brokers, and
 *       {@code admin.properties}: kafka-setup's client certificate (CN=kafka-admin, a super user) for the
 *       nodes' internal SSL listener, key and chain inline as PEM.</li>
 * </ul>
 * Every file is readable by its owner only.
 */
public final class KafkaSecrets {
    public static final String STORE_PASSWORD = "store-password";
    public static final String KEYSTORE = "keystore.p12";
    public static final String TRUSTSTORE = "truststore.p12";
    public static final String JAAS = "kafka_server_jaas.conf";
    public static final String USERS = "users.properties";
    public static final String ADMIN_CLIENT = "admin.properties";
    /** The setup job's certificate subject: a super user of the cluster, authenticated by the internal listener. */
    public static final String ADMIN = "kafka-admin";
    private static final String CA = "ca";
    private static final int VALIDITY_DAYS = 825;
    private static final String KEY = "-keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA";

    private final Path dir;
    private final Map<String, String> addresses;

    private KafkaSecrets(Path dir, Map<String, String> addresses) {
        this.dir = dir.toAbsolutePath().normalize();
        this.addresses = Map.copyOf(addresses);
    }

    public static String clientProperties(KafkaUser user) {
        return user.userName() + ".properties";
    }

    /** Whether {@code dir} holds a complete set for these nodes. */
    public static boolean present(Path dir, List<String> nodes) {
        return files(nodes).stream().allMatch(name -> Files.isRegularFile(dir.resolve(name)));
    }

    /** The set in {@code dir}, generated first when it is not complete there. */
    public static Path loadOrCreate(Path dir, List<String> nodes) {
        if (!present(dir, nodes)) {
            generate(dir, nodes);
        }
        return dir.toAbsolutePath().normalize();
    }

    /** Writes a new set into {@code dir}, replacing any files of an earlier one. */
    public static Path generate(Path dir, List<String> nodes) {
        return generate(dir, nodes, Map.of());
    }

    /** The same, each node's certificate also valid for its address in {@code addresses} (a network of its own). */
    public static Path generate(Path dir, List<String> nodes, Map<String, String> addresses) {
        KafkaSecrets secrets = new KafkaSecrets(dir, addresses);
        secrets.write(nodes);
        return secrets.dir;
    }

    private void write(List<String> nodes) {
        try {
            List<String> files = files(nodes);
            for (String name : files) {
                Files.deleteIfExists(dir.resolve(name));
            }
            Files.createDirectories(dir.resolve(CA));
            String pass = randomSecret();
            keytool(CA, "-genkeypair -keystore ca.p12 -storetype PKCS12 -alias " + CA + " -dname CN=coupon-issuer-kafka-ca "
                    + "-ext bc:c -validity " + VALIDITY_DAYS + " " + KEY, pass);
            keytool(CA, "-exportcert -rfc -keystore ca.p12 -alias " + CA + " -file ca.crt", pass);
            // Each certificate is a few keytool runs (a JVM each): side by side, one per core.
            List<Runnable> certificates = new ArrayList<>();
            for (String node : nodes) {
                certificates.add(() -> nodeSecrets(node, pass));
            }
            certificates.add(() -> signed(ADMIN, null, "clientAuth", pass));
            java.util.concurrent.ExecutorService keytools = java.util.concurrent.Executors.newFixedThreadPool(
                    Runtime.getRuntime().availableProcessors());
            try {
                for (java.util.concurrent.Future<?> done : keytools.invokeAll(certificates.stream()
                        .map(java.util.concurrent.Executors::callable).toList())) {
                    done.get();
                }
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while making certificates", e);
            } finally {
                keytools.shutdownNow();
            }
            String caPem = Files.readString(dir.resolve(CA).resolve("ca.crt"), StandardCharsets.US_ASCII).trim();
            Map<String, String> users = new LinkedHashMap<>();
            for (KafkaUser user : KafkaUser.values()) {
                String password = randomSecret();
                users.put(user.userName(), password);
                Map<String, String> client = new LinkedHashMap<>();
                client.put("security.protocol", "SASL_SSL");
                client.put("sasl.mechanism", "SCRAM-SHA-512");
                client.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + user.userName() + "\" password=\"" + password + "\";");
                client.put("ssl.truststore.type", "PEM");
                client.put("ssl.truststore.certificates", caPem);
                writeProperties(clientProperties(user), client, "Kafka client security of the " + user.userName()
                        + " role (KAFKA_CLIENT_PROPERTIES)");
            }
            writeProperties(USERS, users, "SCRAM-SHA-512 password of each role; kafka-setup gives them to the brokers");
            Map<String, String> admin = new LinkedHashMap<>();
            admin.put("security.protocol", "SSL");
            admin.put("ssl.keystore.type", "PEM");
            admin.put("ssl.keystore.certificate.chain", pem(ADMIN, pass, false));
            admin.put("ssl.keystore.key", pem(ADMIN, pass, true));
            admin.put("ssl.truststore.type", "PEM");
            admin.put("ssl.truststore.certificates", caPem);
            writeProperties(ADMIN_CLIENT, admin, "Kafka client security of kafka-setup (CN=" + ADMIN
                    + ", a super user) on the nodes' internal SSL listener");
            deleteTree(dir.resolve(ADMIN));
            for (String name : files) {
                Files.setPosixFilePermissions(dir.resolve(name), PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Kafka secrets into " + dir, e);
        }
    }

    /** Node {@code node}'s directory: its keystore, the CA as its truststore, their password and the JAAS file. */
    private void nodeSecrets(String node, String pass) {
        String own = addresses.containsKey(node) ? ",ip:" + addresses.get(node) : "";
        signed(node, "dns:" + node + ",dns:localhost,ip:127.0.0.1" + own, "serverAuth,clientAuth", pass);
        keytool(node, "-importcert -noprompt -keystore " + TRUSTSTORE + " -storetype PKCS12 -alias " + CA
                + " -file ../" + CA + "/ca.crt", pass);
        try {
            Files.writeString(dir.resolve(node).resolve(STORE_PASSWORD), pass, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(node).resolve(JAAS),
                    "KafkaServer {\n    org.apache.kafka.common.security.scram.ScramLoginModule required;\n};\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A key pair for {@code name} in {@code name/keystore.p12}, signed by the CA, with the CA in its chain. */
    private void signed(String name, String subjectAltNames, String extendedKeyUsage, String pass) {
        try {
            Files.createDirectories(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        keytool(name, "-genkeypair -keystore " + KEYSTORE + " -storetype PKCS12 -alias " + name + " -dname CN=" + name
                + " -validity " + VALIDITY_DAYS + " " + KEY, pass);
        keytool(name, "-certreq -keystore " + KEYSTORE + " -alias " + name + " -file " + name + ".csr", pass);
        keytool(CA, "-gencert -rfc -keystore ca.p12 -alias " + CA + " -infile ../" + name + "/" + name + ".csr -outfile ../"
                + name + "/" + name + ".crt -validity " + VALIDITY_DAYS + " -ext KU=digitalSignature -ext EKU="
                + extendedKeyUsage + (subjectAltNames == null ? "" : " -ext SAN=" + subjectAltNames), pass);
        keytool(name, "-importcert -noprompt -keystore " + KEYSTORE + " -alias " + CA + " -file ../" + CA + "/ca.crt", pass);
        keytool(name, "-importcert -keystore " + KEYSTORE + " -alias " + name + " -file " + name + ".crt", pass);
        try {
            Files.deleteIfExists(dir.resolve(name).resolve(name + ".csr"));
            Files.deleteIfExists(dir.resolve(name).resolve(name + ".crt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void keytool(String subdir, String arguments, String pass) {
        List<String> args = new ArrayList<>(List.of(arguments.split(" ")));
        args.addAll(List.of("-storepass", pass, "-keypass", pass));
        Keytool.run(dir.resolve(subdir), args.toArray(String[]::new));
    }

    /** The private key (PKCS#8) or the certificate chain of {@code name}'s keystore, as PEM. */
    private String pem(String name, String pass, boolean privateKey) {
        try (InputStream in = Files.newInputStream(dir.resolve(name).resolve(KEYSTORE))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, pass.toCharArray());
            if (privateKey) {
                Key key = store.getKey(name, pass.toCharArray());
                return block("PRIVATE KEY", key.getEncoded());
            }
            List<String> blocks = new ArrayList<>();
            for (Certificate certificate : store.getCertificateChain(name)) {
                blocks.add(block("CERTIFICATE", certificate.getEncoded()));
            }
            return String.join("\n", blocks);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read " + name + "'s keystore: " + e, e);
        }
    }

    private static String block(String type, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----";
    }

    private void writeProperties(String name, Map<String, String> values, String comment) throws IOException {
        Properties properties = new Properties() {
            // In the order given, so the file reads top to bottom: store() writes entrySet()'s order.
            @Override
            public java.util.Set<Map.Entry<Object, Object>> entrySet() {
                java.util.Set<Map.Entry<Object, Object>> ordered = new java.util.LinkedHashSet<>();
                values.forEach((k, v) -> ordered.add(Map.entry(k, v)));
                return ordered;
            }
        };
        properties.putAll(values);
        try (Writer writer = Files.newBufferedWriter(dir.resolve(name), StandardCharsets.UTF_8)) {
            properties.store(writer, comment);
        }
    }

    /** Every file of a set, relative to its directory. */
    private static List<String> files(List<String> nodes) {
        List<String> names = new ArrayList<>(List.of(CA + "/ca.p12", CA + "/ca.crt", USERS, ADMIN_CLIENT));
        for (String node : nodes) {
            for (String file : List.of(KEYSTORE, TRUSTSTORE, STORE_PASSWORD, JAAS)) {
                names.add(node + "/" + file);
            }
        }
        for (KafkaUser user : KafkaUser.values()) {
            names.add(clientProperties(user));
        }
        return names;
    }

    private static void deleteTree(Path path) throws IOException {
        if (Files.exists(path)) {
            try (var paths = Files.walk(path)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
