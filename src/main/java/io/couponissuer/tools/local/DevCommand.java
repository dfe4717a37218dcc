package io.couponissuer.tools.local;

import io.couponissuer.CouponSystem;
import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * Everything on one machine: a real single-node KRaft broker in this JVM, the topics, the issuer,
 * the writer (PostgreSQL on COUPON_JDBC_URL) and the gateway, plus a demo event. Data survives a
 * restart unless {@code --fresh}, which starts with an empty broker, issuer state and coupon table.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Broker, topics, issuer, writer and gateway in one process, with a demo event.")
public final class DevCommand implements Callable<Integer> {
    static final String DEMO_EVENT = "demo";

    @Option(names = "--fresh", description = "Start from scratch: wipes COUPON_BROKER_DIR and COUPON_STATE_DIR and "
            + "deletes every row of the coupon table at COUPON_JDBC_URL.")
    boolean fresh;

    @Override
    public Integer call() throws Exception {
        Settings settings = Settings.fromEnvironment();
        if (settings.get(Setting.COUPON_ADMIN_TOKEN).isEmpty()) {
            settings = settings.with(Setting.COUPON_ADMIN_TOKEN, HexFormat.of().formatHex(new SecureRandom().generateSeed(16)));
        }
        if (settings.get(Setting.COUPON_INSTANCE_ID).isEmpty()) {
            // Static membership: a restarted dev takes its partitions back without waiting out a session.
            settings = settings.with(Setting.COUPON_INSTANCE_ID, "dev-issuer");
        }
        if (fresh) {
            String applicationId = settings.get(Setting.COUPON_APPLICATION_ID);
            java.util.Set<String> stateEntries = java.util.Set.of(applicationId, "kafka-streams-process-metadata",
                    io.couponissuer.kafka.RecordKeyFile.NAME);
            // Nothing is touched unless every part can be: directories that hold foreign files, then the table
            // (if PostgreSQL is down, --fresh stops before it wipes anything).
            OwnedDirectories.requireOwned(settings.getPath(Setting.COUPON_STATE_DIR), stateEntries, "Kafka Streams of " + applicationId);
            BrokerConfig.SingleNode.requireWipeable(settings);
            int removed = FreshCouponTable.empty(settings);
            System.out.printf("--fresh: removed %d coupon rows from %s%n", removed, settings.get(Setting.COUPON_JDBC_URL));
            OwnedDirectories.wipe(settings.getPath(Setting.COUPON_STATE_DIR), stateEntries, "Kafka Streams of " + applicationId);
        }
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(BrokerConfig.SingleNode.of(settings, fresh));
        broker.start();
        settings = settings.with(Setting.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
        CouponSystem system;
        try {
            system = CouponSystem.start(settings, EnumSet.allOf(CouponSystem.Role.class));
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping coupon-issuer dev...");
            system.close();
            broker.close();
            stopped.countDown();
        }, "dev-shutdown"));

        String base = "http://" + settings.get(Setting.COUPON_HTTP_HOST) + ":" + system.gatewayPort();
        String token = settings.get(Setting.COUPON_ADMIN_TOKEN);
        int status = createDemoEvent(base, token);
        System.out.printf("""

                coupon-issuer dev is running (Ctrl-C stops it)
                  gateway:      %s
                  admin token:  %s
                  Kafka:        %s
                  PostgreSQL:   %s
                  demo event:   %s (cap 100), created: HTTP %d

                  curl -s -X POST %s/api/events/%s/applications -H 'Content-Type: application/json' -d '{"userId":"u-42"}'
                  curl -s '%s/api/events/%s/applications/u-42'
                  curl -s %s/api/events/%s
                  curl -s -X POST %s/api/events -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' -d '{"eventId":"spring-sale","cap":100}'

                """, base, token, broker.bootstrapServers(), settings.get(Setting.COUPON_JDBC_URL), DEMO_EVENT, status,
                base, DEMO_EVENT, base, DEMO_EVENT, base, DEMO_EVENT, base, token);
        stopped.await();
        return 0;
    }

    /**
     * Defines the demo event; a 5xx (the gateway's readers still catching up with topics made a moment
     * ago) is asked again for up to 15 s, as a client should, and the last body is printed if it stays.
     */
    private static int createDemoEvent(String base, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/events"))
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"eventId\":\"" + DEMO_EVENT + "\",\"cap\":100}"))
                .build();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        while (response.statusCode() >= 500 && System.nanoTime() < deadline) {
            Thread.sleep(500);
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        if (response.statusCode() >= 300) {
            System.out.println("defining the demo event: HTTP " + response.statusCode() + " " + response.body());
        }
        return response.statusCode();
    }
}
