package io.couponissuer;

import io.couponissuer.testing.Burst;
import io.couponissuer.testing.CouponCluster;
import io.couponissuer.testing.CouponInvariants;
import io.couponissuer.testing.DecisionWatch;
import io.couponissuer.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariant 5: invariants 1-4 hold across a hard kill of the issuer and of the writer, a broker
 * restart, a database outage and a rebalance between two issuers. Everything runs as real OS
 * processes of this build (broker, gateway, issuers, writer) against the real PostgreSQL; each test
 * drives a paced burst of applications over HTTP, injects its fault in the middle, and then checks
 * the invariants on the topics (read_committed) and the coupon table, printing what it did, what it
 * found and how long recovery took.
 *
 * <p>The processes are started once for the class (JVM start-up is the expensive part on two
 * cores); each test uses its own events, and the checks look at those events only. A test first
 * brings back any process an earlier, failed test may have left dead.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceIT {
    /** The broker's minimum (group.min.session.timeout.ms): how long a dead member keeps its partitions. */
    private static final int SESSION_TIMEOUT_MS = 6000;
    private static final double APPLICATIONS_PER_SECOND = 150;
    private static final int CLIENTS = 16;
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final TestDatabase database = TestDatabase.perClass();
    private static CouponCluster cluster;

    @BeforeAll
    static void startSystem() throws Exception {
        long start = System.nanoTime();
        cluster = new CouponCluster("faults", database, List.of("a", "b"), SESSION_TIMEOUT_MS);
        try {
            cluster.startBroker();
            cluster.startIssuer("a");
            cluster.startWriter();
            cluster.startGateway();
        } catch (RuntimeException | Error e) {
            stopSystem();
            throw e;
        }
        say("system up in %d ms: broker, issuer a, writer, gateway as separate processes; logs in %s",
                millisSince(start), cluster.dir());
    }

    @AfterAll
    static void stopSystem() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void issuerKilledHardAndRestartedDecidesAgainWithinFifteenSeconds(TestInfo test) throws Exception {
        Map<String, Integer> caps = events("ik");
        // The clients wait for their decisions (?waitMs): the gateway, a process of its own, gets each one from
        // the owning issuer as it decides it, before the commit; the kill cuts such transactions off.
        try (DecisionWatch watch = new DecisionWatch(cluster.bootstrapServers());
             Burst burst = Burst.start(cluster.gatewayUrl(), List.copyOf(caps.keySet()), CLIENTS, APPLICATIONS_PER_SECOND,
                     10, "ik-u", 3000)) {
            burst.awaitAccepted(300, Duration.ofSeconds(30));
            long killedAt = System.nanoTime();
            cluster.issuer("a").kill();
            say("kill -9 issuer a after %d accepted; restarting it at once (same instance id, same state dir)",
                    burst.acceptedCount());
            cluster.startIssuer("a");
            long runningMs = millisSince(killedAt);
            Duration decidingAgain = watch.awaitDecidingAgain(killedAt, burst, caps.keySet(), Duration.ofSeconds(60));
            say("issuer a RUNNING %d ms after the kill; deciding again on every event %d ms after the kill; %d answers"
                    + " told with the decision so far", runningMs, decidingAgain.toMillis(), burst.answered().size());
            Thread.sleep(1000);
            burst.stop();
            verify(test, caps, burst);
            assertThat(cluster.answersByIssuer()).as("answers the gateway got from the owning issuer before its commit")
                    .isPositive();
            // They came on the one stream the gateway holds from the issuer, not one request each.
            assertThat(cluster.issuerMetric("a", "coupon_issuer_answer_streams")).as("answer streams").isEqualTo(1);
            assertThat(cluster.issuerMetric("a", "coupon_issuer_answer_waits")).as("long polls held").isZero();
            // The lever is static membership (COUPON_INSTANCE_ID): the restarted member takes its partitions
            // back at once instead of waiting for the dead one's session timeout.
            assertThat(decidingAgain).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    @Order(2)
    void writerKilledHardAndRestartedStoresEveryCouponOnce(TestInfo test) throws Exception {
        ensureRunning();
        Map<String, Integer> caps = events("wk");
        CouponInvariants invariants = new CouponInvariants(cluster.bootstrapServers(), database, caps);
        try (Burst burst = startBurst(caps, "wk")) {
            awaitRows(invariants, 20);
            cluster.writer().kill();
            long killedAt = System.nanoTime();
            say("kill -9 writer with %d rows stored; coupons keep coming for 2 s, then restart", invariants.rowCount());
            Thread.sleep(2000);
            cluster.startWriter();
            say("writer has partitions again %d ms after the kill", millisSince(killedAt));
            Thread.sleep(2000);
            burst.stop();
            verify(test, caps, burst);
        }
    }

    @Test
    @Order(3)
    void databaseCutOffAndRestoredLosesNothing(TestInfo test) throws Exception {
        ensureRunning();
        Map<String, Integer> caps = events("db");
        CouponInvariants invariants = new CouponInvariants(cluster.bootstrapServers(), database, caps);
        try (Burst burst = startBurst(caps, "db")) {
            awaitRows(invariants, 20);
            cluster.databaseProxy().cut();
            Thread.sleep(500); // a commit already on the wire when the cut came may still land
            int rowsAtCut = invariants.rowCount();
            int acceptedAtCut = burst.acceptedCount();
            say("cut the writer off PostgreSQL with %d rows stored; 5 s outage", rowsAtCut);
            Thread.sleep(5000);
            int rowsDuringCut = invariants.rowCount();
            int acceptedDuringCut = burst.acceptedCount() - acceptedAtCut;
            cluster.databaseProxy().restore();
            long restoredAt = System.nanoTime();
            say("restored; %d applications accepted during the outage, rows unchanged at %d", acceptedDuringCut,
                    rowsDuringCut);
            burst.stop();
            CouponInvariants.Report report = verify(test, caps, burst);
            say("every coupon stored %d ms after the database came back", millisSince(restoredAt));
            // The outage was real: the writer stored nothing while it lasted, yet the gateway kept taking applications.
            assertThat(rowsDuringCut).isEqualTo(rowsAtCut);
            assertThat(acceptedDuringCut).isPositive();
            assertThat(report.rows()).isGreaterThan(rowsAtCut);
        }
    }

    @Test
    @Order(4)
    void brokerStoppedAndStartedAgainAnswers503MeanwhileAndLosesNo202(TestInfo test) throws Exception {
        ensureRunning();
        Map<String, Integer> caps = events("br");
        try (DecisionWatch watch = new DecisionWatch(cluster.bootstrapServers());
             Burst burst = startBurst(caps, "br")) {
            burst.awaitAccepted(300, Duration.ofSeconds(30));
            long stoppedAt = System.nanoTime();
            cluster.broker().stop();
            say("stopped the broker (SIGTERM) after %d accepted, %d ms to stop; down 4 s", burst.acceptedCount(),
                    millisSince(stoppedAt));
            Thread.sleep(4000);
            long restartAt = System.nanoTime();
            cluster.broker().start();
            cluster.awaitBroker();
            say("broker ready again %d ms after its restart", millisSince(restartAt));
            Duration decidingAgain = watch.awaitDecidingAgain(restartAt, burst, caps.keySet(), Duration.ofSeconds(90));
            say("deciding again on every event %d ms after the broker restart", decidingAgain.toMillis());
            Thread.sleep(1000);
            burst.stop();
            int unavailable = burst.unavailableAtNanos().size();
            say("gateway answered %d x 503 while the broker was away", unavailable);
            verify(test, caps, burst);
            assertThat(unavailable).as("503s while the broker was down").isPositive();
        }
    }

    @Test
    @Order(5)
    void twoIssuersOneKilledTheSurvivorTakesOverWithItsStandby(TestInfo test) throws Exception {
        ensureRunning();
        long joinAt = System.nanoTime();
        cluster.startIssuer("b");
        cluster.awaitIssuerRunning("a", Duration.ofSeconds(60));
        say("issuer b joined; both RUNNING %d ms later (standby replicas 1)", millisSince(joinAt));
        Map<String, Integer> caps = events("rb");
        try (DecisionWatch watch = new DecisionWatch(cluster.bootstrapServers());
             Burst burst = startBurst(caps, "rb")) {
            burst.awaitAccepted(300, Duration.ofSeconds(30));
            long killedAt = System.nanoTime();
            cluster.issuer("b").kill();
            say("kill -9 issuer b after %d accepted; issuer a must take over its tasks", burst.acceptedCount());
            Duration takeover = watch.awaitDecidingAgain(killedAt, burst, caps.keySet(), Duration.ofSeconds(60));
            Map<String, Duration> perEvent = watch.firstDecisionAfter(killedAt, burst.accepted().values());
            say("deciding again on every event %d ms after the kill (per event: %s)", takeover.toMillis(), perEvent);
            Thread.sleep(1000);
            burst.stop();
            verify(test, caps, burst);
            // b held at least one active task (three partitions, two instances), so some event paused until a
            // took it over: session timeout (the static member b never says goodbye) plus the rebalance.
            assertThat(takeover).isGreaterThan(Duration.ofMillis(SESSION_TIMEOUT_MS / 2));
            assertThat(takeover).isLessThan(Duration.ofMillis(SESSION_TIMEOUT_MS + 15_000));
        }
    }

    /**
     * Three events with these caps on three different partitions: none is sold out by the fault (after
     * that a gateway answers most applications itself, and the issuer that owns the event has nothing
     * to decide), two sell out later, one never does.
     */
    private static Map<String, Integer> events(String prefix) throws Exception {
        return cluster.createEventsOnOwnPartitions(prefix, 200, 400, 1_000_000);
    }

    private static Burst startBurst(Map<String, Integer> caps, String prefix) {
        return Burst.start(cluster.gatewayUrl(), List.copyOf(caps.keySet()), CLIENTS, APPLICATIONS_PER_SECOND, 10,
                prefix + "-u");
    }

    private static CouponInvariants.Report verify(TestInfo test, Map<String, Integer> caps, Burst burst)
            throws Exception {
        say("%s: %s", test.getDisplayName(), burst.summary());
        assertThat(burst.unexpected()).as("answers other than 202 and 503").isEmpty();
        CouponInvariants.Report report = new CouponInvariants(cluster.bootstrapServers(), database, caps)
                .check(burst, CHECK_TIMEOUT);
        say("invariants 1-4 hold: %s", report);
        return report;
    }

    private static void awaitRows(CouponInvariants invariants, int rows) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (invariants.rowCount() < rows) {
            assertThat(System.nanoTime()).as("waiting for %d coupon rows", rows).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Brings back what an earlier failed test may have left down, so one failure does not fail the rest. */
    private static void ensureRunning() {
        if (!cluster.broker().isAlive()) {
            cluster.broker().start();
            cluster.awaitBroker();
        }
        cluster.databaseProxy().restore();
        if (!cluster.issuer("a").isAlive()) {
            cluster.startIssuer("a");
        }
        if (!cluster.writer().isAlive()) {
            cluster.startWriter();
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void say(String format, Object... args) {
        System.out.printf("[faults] " + format + "%n", args);
    }
}
