package io.couponissuer;

import com.fasterxml.jackson.databind.JsonNode;
import io.couponissuer.json.Json;
import io.couponissuer.kafka.IssuerCommandSerde;
import io.couponissuer.kafka.KeyPartition;
import io.couponissuer.kafka.Topics;
import io.couponissuer.testing.Burst;
import io.couponissuer.testing.CommittedTopics;
import io.couponissuer.testing.CouponCluster;
import io.couponissuer.testing.CouponInvariants;
import io.couponissuer.testing.DecisionWatch;
import io.couponissuer.testing.StatusProbe;
import io.couponissuer.testing.TestDatabase;
import io.couponissuer.testing.TestHttp;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One hot event spread over six partitions and three issuer processes, on a real broker, beside an
 * event that is not spread: invariants 1-4 and 8 hold, the counter (stage 2) sees at most
 * partitions x cap counted claims, the stage-1 gates answer the rest, and all of it survives a
 * kill -9 of one issuer mid-burst. The processes (broker, three issuers, writer, gateway) are real OS
 * processes of this build, started once for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpreadIT {
    private static final int PARTITIONS = 6;
    private static final int SESSION_TIMEOUT_MS = 6000;
    private static final int HOT_CAP = 50;
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final TestDatabase database = TestDatabase.perClass();
    private static CouponCluster cluster;

    @BeforeAll
    static void startSystem() throws Exception {
        long start = System.nanoTime();
        cluster = new CouponCluster("spread", database, List.of("a", "b", "c"), SESSION_TIMEOUT_MS, PARTITIONS);
        try {
            cluster.startBroker();
            cluster.startIssuer("a");
            cluster.startIssuer("b");
            cluster.startIssuer("c");
            cluster.startWriter();
            cluster.startGateway();
        } catch (RuntimeException | Error e) {
            stopSystem();
            throw e;
        }
        say("system up in %d ms: broker, issuers a b c, writer, gateway; %d partitions; logs in %s",
                millisSince(start), PARTITIONS, cluster.dir());
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aSpreadEventKeepsItsCapExactAcrossSixPartitionsAndThreeIssuers(TestInfo test) throws Exception {
        Map<String, Integer> caps = events("s1");
        try (Burst burst = Burst.start(cluster.gatewayUrl(), List.copyOf(caps.keySet()), 16, 250, 10, "s1-u", 3000)) {
            StatusProbe probe = new StatusProbe(cluster.gatewayUrl(), burst);
            burst.awaitAccepted(1600, Duration.ofSeconds(40));
            burst.stop();
            probe.close();
            CouponInvariants invariants = verify(test, caps, burst);
            invariants.checkStatusShownAgreesWithTheLedger(probe.shown());
            say("status endpoint showed %d standing decisions, all agreeing with the ledger", probe.shown().size());
            checkStages("s1-hot", burst);
            checkOperationsShowTheCounter("s1-hot");
        }
    }

    /** lag (/api/ops/summary) names the partition of the event's counter, and /metrics exports its lag. */
    private static void checkOperationsShowTheCounter(String eventId) throws Exception {
        int home = KeyPartition.of(eventId, PARTITIONS);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String counterPartition = null;
        while (counterPartition == null && System.nanoTime() < deadline) {
            JsonNode summary = Json.MAPPER.readTree(TestHttp.getAsAdmin(cluster.gatewayUrl() + "/api/ops/summary", CouponCluster.ADMIN_TOKEN).body());
            for (JsonNode group : summary.path("lag").path("groups")) {
                for (JsonNode partition : group.path("partitions")) {
                    for (JsonNode counterOf : partition.path("counterOf")) {
                        if (counterOf.asText().equals(eventId)) {
                            counterPartition = partition.path("topic").asText() + "-" + partition.path("partition").asInt();
                        }
                    }
                }
            }
            Thread.sleep(500);
        }
        assertThat(counterPartition).as("the lag report names the counter's partition")
                .isEqualTo(Topics.APPLY_REQUESTS.name() + "-" + home);
        assertThat(TestHttp.getAsAdmin(cluster.gatewayUrl() + "/metrics", CouponCluster.ADMIN_TOKEN).body())
                .containsPattern("(?m)^coupon_spread_counter_lag\\{event=\"" + eventId + "\",group=\"coupon-issuer\",partition=\""
                        + home + "\"} \\d+");
        say("%s: lag and /metrics name its counter on %s", eventId, counterPartition);
    }

    @Test
    @Order(2)
    void anIssuerKilledMidBurstLosesNothingAndTheCapStaysExact(TestInfo test) throws Exception {
        Map<String, Integer> caps = events("s2");
        try (DecisionWatch watch = new DecisionWatch(cluster.bootstrapServers());
             Burst burst = Burst.start(cluster.gatewayUrl(), List.copyOf(caps.keySet()), 16, 250, 10, "s2-u", 3000)) {
            burst.awaitAccepted(300, Duration.ofSeconds(30));
            long killedAt = System.nanoTime();
            cluster.issuer("b").kill();
            say("kill -9 issuer b after %d accepted; the others take over its tasks (standby replicas 1)",
                    burst.acceptedCount());
            Duration again = watch.awaitDecidingAgain(killedAt, burst, caps.keySet(), Duration.ofSeconds(60));
            say("deciding again on both events %d ms after the kill", again.toMillis());
            burst.awaitAccepted(1600, Duration.ofSeconds(40));
            burst.stop();
            verify(test, caps, burst);
            checkStages("s2-hot", burst);
            cluster.startIssuer("b");
        }
    }

    /** A spread event with a small cap and a plain one beside it. */
    private static Map<String, Integer> events(String prefix) throws IOException, InterruptedException {
        Map<String, Integer> caps = new LinkedHashMap<>();
        caps.put(prefix + "-hot", HOT_CAP);
        caps.put(prefix + "-plain", 30);
        cluster.createEvent(prefix + "-hot", HOT_CAP, true);
        cluster.createEvent(prefix + "-plain", 30, false);
        return caps;
    }

    private static CouponInvariants verify(TestInfo test, Map<String, Integer> caps, Burst burst) throws Exception {
        say("%s: %s", test.getDisplayName(), burst.summary());
        assertThat(burst.unexpected()).as("answers other than 202 and 503").isEmpty();
        CouponInvariants invariants = new CouponInvariants(cluster.bootstrapServers(), database, caps);
        CouponInvariants.Report report = invariants.check(burst, CHECK_TIMEOUT);
        say("invariants 1-4 hold: %s", report);
        return invariants;
    }

    /**
     * From the committed apply topic: the applications of the spread event reached every partition,
     * the counter saw at most partitions x cap counted claims, and the gates answered the rest.
     */
    private static void checkStages(String eventId, Burst burst) {
        Set<Integer> applicationPartitions = new TreeSet<>();
        int claims = 0;
        int counted = 0;
        int rerouted = 0;
        for (ConsumerRecord<String, byte[]> record : new CommittedTopics(cluster.bootstrapServers())
                .readAll(Topics.APPLY_REQUESTS.name(), Duration.ofSeconds(30))) {
            String kind = IssuerCommandSerde.typeOf(record.headers());
            JsonNode value = json(record.value());
            if (kind.equals(IssuerCommandSerde.TYPE_APPLY) && eventId.equals(value.path("eventId").asText())) {
                if (record.key().equals(eventId)) {
                    rerouted++; // keyed by the event: a gateway that did not know yet, sent on by the issuer
                } else {
                    applicationPartitions.add(record.partition());
                }
            } else if (kind.equals(IssuerCommandSerde.TYPE_CLAIM)
                    && eventId.equals(value.path("application").path("eventId").asText())) {
                claims++;
                counted += value.path("counted").asBoolean() ? 1 : 0;
            }
        }
        long applications = burst.accepted().values().stream().filter(a -> a.eventId().equals(eventId)).count();
        say("%s: %d applications on partitions %s (%d first keyed by the event), %d claims reached the counter"
                        + " (%d counted, bound %d), %d answered by the gates", eventId, applications,
                applicationPartitions, rerouted, claims, counted, PARTITIONS * HOT_CAP, applications - claims);
        assertThat(applicationPartitions).as("stage 1 ran on every partition").hasSize(PARTITIONS);
        assertThat(counted).as("counted claims <= partitions x cap").isLessThanOrEqualTo(PARTITIONS * HOT_CAP);
        assertThat(claims).as("the gates answered some applications themselves").isLessThan((int) applications);
    }

    private static JsonNode json(byte[] value) {
        try {
            return Json.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new AssertionError("unreadable record on the apply topic", e);
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void say(String format, Object... args) {
        System.out.printf("[spread] " + format + "%n", args);
    }
}
