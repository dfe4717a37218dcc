package io.couponissuer;

import io.couponissuer.testing.Burst;
import io.couponissuer.testing.CouponCluster;
import io.couponissuer.testing.DecisionWatch;
import io.couponissuer.testing.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which lever brings a hard-killed, restarted issuer back to deciding fast? Measures kill -9 ->
 * restart -> first decision of a request accepted after the kill, for dynamic membership with a
 * 45 s session timeout (Kafka's default), with 10 s (this project's default), and for static
 * membership (COUPON_INSTANCE_ID). One fresh system per case. Manual (about 3 minutes):
 *
 * <pre>
 * mvn -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=IssuerRecoveryLeversManualIT
 * </pre>
 *
 * A dynamic member that comes back is a new member: the group waits for the dead one's session to
 * expire before it rebalances. A static member that comes back with its id replaces its dead self at
 * once and gets the same partitions without a rebalance.
 */
class IssuerRecoveryLeversManualIT {

    @ParameterizedTest(name = "{0}, session timeout {1} ms")
    @CsvSource({"static, 10000", "dynamic, 10000", "dynamic, 45000"})
    void killedIssuerRestartedDecidesAgain(String membership, int sessionTimeoutMs) throws Exception {
        try (TestDatabase database = TestDatabase.create();
             CouponCluster cluster = new CouponCluster("levers-" + membership + "-" + sessionTimeoutMs, database,
                     List.of("a"), sessionTimeoutMs)) {
            Map<String, String> issuerEnv = Map.of("COUPON_INSTANCE_ID", membership.equals("static") ? "a" : "");
            cluster.startBroker();
            cluster.startIssuer("a", issuerEnv);
            cluster.startGateway();
            cluster.createEvent("lever", 100);
            try (DecisionWatch watch = new DecisionWatch(cluster.bootstrapServers());
                 Burst burst = Burst.start(cluster.gatewayUrl(), List.of("lever"), 4, 50, 0, "u")) {
                burst.awaitAccepted(100, Duration.ofSeconds(30));
                long killedAt = System.nanoTime();
                cluster.issuer("a").kill();
                cluster.startIssuer("a", issuerEnv);
                Duration running = Duration.ofNanos(System.nanoTime() - killedAt);
                Duration decidingAgain = watch.awaitDecidingAgain(killedAt, burst, List.of("lever"),
                        Duration.ofSeconds(180));
                System.out.printf("[levers] %s membership, session timeout %d ms: health ready %d ms, deciding again"
                        + " %d ms after kill -9%n", membership, sessionTimeoutMs, running.toMillis(), decidingAgain.toMillis());
                if (membership.equals("static")) {
                    assertThat(decidingAgain).isLessThan(Duration.ofSeconds(15));
                } else {
                    // The new member waits out the dead member's session, which began at its last heartbeat
                    // (up to a third of the session before the kill).
                    assertThat(decidingAgain).isGreaterThan(Duration.ofMillis(sessionTimeoutMs * 6L / 10));
                }
            }
        }
    }
}
