package io.couponissuer;

import io.couponissuer.testing.TestHttp;
import io.couponissuer.tools.local.ClusterCommand;
import io.couponissuer.tools.local.cluster.LocalCluster;
import io.couponissuer.tools.local.cluster.LocalPlan;
import io.couponissuer.tools.local.cluster.RoleProcess;
import io.couponissuer.kafka.Topics;
import io.couponissuer.testing.BuildOutput;
import io.couponissuer.testing.Burst;
import io.couponissuer.testing.CouponInvariants;
import io.couponissuer.testing.DecisionWatch;
import io.couponissuer.testing.StableOffsets;
import io.couponissuer.testing.StatusProbe;
import io.couponissuer.tools.judge.InvariantCheck;
import io.couponissuer.tools.judge.InvariantJudge;
import io.couponissuer.tools.judge.Judgement;
import io.couponissuer.testing.TestDatabase;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.testing.CommittedTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production shape of docker-compose.yml, run for real: three KRaft nodes (replication 3, min
 * ISR 2), two issuers with standby replicas and static ids, a writer and a gateway, each its own OS
 * process of this build, planned from the compose file by the same code as `bin/coupon-issuer cluster`
 * (only the writer's database is this test's own, and ports are free ones). Each test drives an HTTP
 * burst at one hot event and 20 other events (clients wait for their decisions), kills nodes in the
 * middle, and then checks invariants 1-4 and 8 and that no transaction is left open on any
 * partition.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProductionShapeIT {
    private static final String TOKEN = "production-shape-token";
    private static final double APPLICATIONS_PER_SECOND = 120;
    private static final int CLIENTS = 24;
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(120);

    @RegisterExtension
    static final TestDatabase database = TestDatabase.perClass();
    private static LocalCluster cluster;
    /** This run's directory: volumes, logs, the secrets and the answer histories. */
    private static Path runDir;
    private static Admin admin;

    @BeforeAll
    static void startCluster() {
        long start = System.nanoTime();
        Path dir = Path.of("target", "production-shape", UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        runDir = dir;
        List<LocalPlan.Node> plan = ClusterCommand.plan(Path.of("docker-compose.yml"), Map.of("COUPON_ADMIN_TOKEN", TOKEN,
                        "COUPON_INSTANCE_SECRET", "production-shape-instance-secret",
                        "COUPON_RECORD_KEYS", "ps=" + "production-shape-record-key".repeat(2))::get,
                dir, 0, RoleProcess.SMALL_JVM, overrides());
        cluster = new LocalCluster(plan, BuildOutput.classpath(), dir.resolve("logs"), Duration.ofMinutes(3));
        try {
            cluster.start();
        } catch (RuntimeException | Error e) {
            killAll(cluster);
            throw e;
        }
        admin = Admin.create(ClientConfigs.admin(superUser()));
        say("production shape up in %d ms: %s; logs in %s", millisSince(start),
                plan.stream().map(n -> n.service() + "(" + n.role() + ")").toList(), dir.resolve("logs"));
    }

    /**
     * The writer uses this test's database; Kafka's own INFO lines (elections, fencing, rebalances, transaction
     * timeouts) are kept in every log, the evidence when a test fails or a time needs explaining.
     */
    private static Map<String, Map<String, String>> overrides() {
        Map<String, String> kafkaInfo = Map.of("COUPON_KAFKA_LOG_LEVEL", "INFO");
        return Map.of("writer", Map.of("COUPON_JDBC_URL", database.jdbcUrl(), "COUPON_KAFKA_LOG_LEVEL", "INFO"),
                "kafka-1", kafkaInfo, "kafka-2", kafkaInfo, "kafka-3", kafkaInfo,
                "issuer-1", kafkaInfo, "issuer-2", kafkaInfo,
                // The burst's clients share one address and stand for many users: no per-client rate.
                "gateway", Map.of("COUPON_KAFKA_LOG_LEVEL", "INFO", "COUPON_GATEWAY_CLIENT_RATE", "0"));
    }

    /** The checks read everything: as the setup job's super user, over the nodes' SSL listener. */
    private static Settings superUser() {
        return Settings.from(cluster.superUserSettings());
    }

    /** kill -9 of every process the cluster started: a test has nothing to keep. */
    private static void killAll(LocalCluster cluster) {
        cluster.processes().forEach(RoleProcess::kill);
    }

    @AfterAll
    static void stopCluster() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (cluster != null) {
            killAll(cluster);
        }
    }

    @Test
    @Order(1)
    void theBrokerLeadingTheHotEventKilledAndRestarted(TestInfo test) throws Exception {
        timedDuringBurst(test, "lead", 300, (caps, hot, burst, watch) -> {
            String broker = brokerService(leaderOf(hot));
            long killedAt = System.nanoTime();
            cluster.kill(broker);
            say("kill -9 %s, the leader of %s's apply partition, after %d accepted", broker, hot, burst.acceptedCount());
            Duration decidingAgain = watch.awaitDecidingAgain(killedAt, burst, caps.keySet(), Duration.ofSeconds(90));
            say("deciding again on all 21 events %d ms after the kill, with %s down", decidingAgain.toMillis(), broker);
            Thread.sleep(3000);
            cluster.restart(broker);
            say("%s back and ready %d ms after its restart", broker,
                    cluster.awaitReady(broker, Duration.ofSeconds(120)).toMillis());
            return decidingAgain;
        });
    }

    @Test
    @Order(2)
    void oneMachineOfThreeLostABrokerAndTheIssuerOwningTheHotEventTogether(TestInfo test) throws Exception {
        timedDuringBurst(test, "machine", 300, (caps, hot, burst, watch) -> {
            String broker = brokerService(leaderOf(hot));
            String issuer = issuerOwning(hot);
            long killedAt = System.nanoTime();
            cluster.kill(broker);
            cluster.kill(issuer);
            say("kill -9 %s and %s (the owner of %s) together after %d accepted", broker, issuer, hot, burst.acceptedCount());
            Duration decidingAgain = watch.awaitDecidingAgain(killedAt, burst, caps.keySet(), Duration.ofSeconds(90));
            say("deciding again on all 21 events %d ms after the kill, without them (the other issuer took over)",
                    decidingAgain.toMillis());
            cluster.restart(broker);
            cluster.restart(issuer);
            say("%s ready %d ms after its restart; %s ready %d ms after its restart", broker,
                    cluster.awaitReady(broker, Duration.ofSeconds(120)).toMillis(), issuer,
                    cluster.awaitReady(issuer, Duration.ofSeconds(120)).toMillis());
            return decidingAgain;
        });
    }

    @Test
    @Order(3)
    void anIssuerKilledItsStandbyTakesOver(TestInfo test) throws Exception {
        Duration takeover = timedDuringBurst(test, "standby", 600, ProductionShapeIT::killTheHotEventsIssuer);
        say("takeover with standby replicas 1: %d ms (session timeout 10 s of a static member, then the rebalance)",
                takeover.toMillis());
    }

    @Test
    @Order(4)
    void twoBrokersDownTheGatewayAnswers503AndNever202ThenRecovers(TestInfo test) throws Exception {
        duringBurst(test, "quorum", 300, (caps, hot, burst) -> {
            List<String> brokers = cluster.servicesRunning("kafka-node");
            List<String> down = List.of(brokers.get(0), brokers.get(1));
            long killedAt = System.nanoTime();
            down.forEach(cluster::kill);
            say("kill -9 %s after %d accepted: one broker of three left, below min ISR 2 (and the controller quorum lost)",
                    down, burst.acceptedCount());
            Thread.sleep(12_000);
            long restartAt = System.nanoTime();
            int unavailable = countAfter(burst.unavailableAtNanos(), killedAt);
            // Sent after the kill: a request already on its way may have been taken by the brokers before they died.
            List<String> acceptedDuringOutage = burst.accepted().values().stream()
                    .filter(a -> a.sentNanos() > killedAt && a.sentNanos() < restartAt)
                    .map(a -> a.eventId() + " sent " + (a.sentNanos() - killedAt) / 1_000_000 + " ms after the kill, answered "
                            + (a.atNanos() - killedAt) / 1_000_000 + " ms after").toList();
            say("while two brokers were down: %d x 503 (each with Retry-After), %d x 202 for applications sent after the kill",
                    unavailable, acceptedDuringOutage.size());
            assertThat(acceptedDuringOutage).as("202 answers while only one broker of three was up").isEmpty();
            assertThat(unavailable).as("503 answers while two brokers were down").isPositive();
            cluster.restart(down.get(0));
            cluster.awaitReady(down.get(0), Duration.ofSeconds(120));
            int acceptedAtRestart = burst.acceptedCount();
            burst.awaitAccepted(acceptedAtRestart + 100, Duration.ofSeconds(90));
            say("%s back: 100 more applications accepted %d ms after its restart", down.get(0), millisSince(restartAt));
            cluster.restart(down.get(1));
            cluster.awaitReady(down.get(1), Duration.ofSeconds(120));
            return null;
        });
    }

    @Test
    @Order(5)
    void anIssuerKilledWithoutStandbysForComparison(TestInfo test) throws Exception {
        // Both issuers with standby replicas off (the same setting on both, as a deployment would have it).
        List<String> issuers = cluster.servicesRunning("issuer");
        issuers.forEach(issuer -> cluster.process(issuer).stop());
        issuers.forEach(issuer -> cluster.restart(issuer, Map.of("COUPON_STANDBY_REPLICAS", "0")));
        issuers.forEach(issuer -> cluster.awaitReady(issuer, Duration.ofSeconds(120)));
        Duration takeover = timedDuringBurst(test, "nostandby", 600, ProductionShapeIT::killTheHotEventsIssuer);
        say("takeover with standby replicas 0: %d ms (the survivor restores the store from its changelog first)",
                takeover.toMillis());
    }

    @Test
    @Order(6)
    void anIssuerPausedPastItsSessionIsReplacedAndItsZombieChangesNothing(TestInfo test) throws Exception {
        timedDuringBurst(test, "pause-issuer", 600, (caps, hot, burst, watch) -> {
            String issuer = issuerOwning(hot);
            RoleProcess paused = cluster.process(issuer);
            long pausedAt = System.nanoTime();
            paused.pause();
            try {
                say("SIGSTOP %s, the owner of %s, after %d accepted", issuer, hot, burst.acceptedCount());
                // The other issuer takes the partitions once the paused one's session (10 s) and its open
                // transaction have run out; the paused one holds its sockets and learns of it only on waking.
                Duration takeover = watch.awaitDecidingAgain(pausedAt, burst, List.of(hot), Duration.ofSeconds(90));
                say("%s decided again %d ms after the pause, by the other issuer", hot, takeover.toMillis());
            } finally {
                paused.resume();
            }
            say("SIGCONT %s after %d ms: it wakes as a zombie, fenced, and rejoins", issuer, millisSince(pausedAt));
            awaitAliveAfterWaking(issuer, paused);
            return null;
        });
    }

    @Test
    @Order(7)
    void theWriterPausedPastItsSessionWakesAndStoresEveryCoupon(TestInfo test) throws Exception {
        duringBurst(test, "pause-writer", 600, (caps, hot, burst) -> {
            RoleProcess writer = cluster.process("writer");
            long pausedAt = System.nanoTime();
            writer.pause();
            try {
                say("SIGSTOP writer after %d accepted: coupons wait on coupon.issued", burst.acceptedCount());
                // Past its group session (10 s): the group drops it while it holds an uncommitted batch.
                Thread.sleep(15_000);
            } finally {
                writer.resume();
            }
            say("SIGCONT writer after %d ms: its commit fails, it rejoins and stores from the committed offsets", millisSince(pausedAt));
            awaitAliveAfterWaking("writer", writer);
            return null; // the check after the burst requires every issued coupon in the table
        });
    }

    @Test
    @Order(8)
    void aBrokerPausedPastItsSessionIsFencedAndTheOthersDecideWithoutIt(TestInfo test) throws Exception {
        timedDuringBurst(test, "pause-broker", 600, (caps, hot, burst, watch) -> {
            String broker = brokerService(leaderOf(hot));
            RoleProcess paused = cluster.process(broker);
            long pausedAt = System.nanoTime();
            paused.pause();
            Duration takeover;
            try {
                say("SIGSTOP %s, the leader of %s's apply partition, after %d accepted", broker, hot, burst.acceptedCount());
                // A frozen broker keeps its sockets: nobody gets an error, only silence. The controller
                // fences it when its session ends and moves its leaderships; the clients must let go of it.
                takeover = watch.awaitDecidingAgain(pausedAt, burst, List.of(hot), Duration.ofSeconds(150));
                Duration all = watch.awaitDecidingAgain(pausedAt, burst, caps.keySet(), Duration.ofSeconds(150));
                say("%s decided again %d ms after the pause (all 21 events: %d ms), without %s", hot, takeover.toMillis(),
                        all.toMillis(), broker);
            } finally {
                paused.resume();
            }
            say("SIGCONT %s after %d ms", broker, millisSince(pausedAt));
            // How long is measured, not yet required: 20-28 s alone, 133 s once after the other faults
            // (production-shape.md#a-paused-broker).
            Thread.sleep(10_000);
            assertThat(paused.isAlive()).as("%s alive 10 s after it was resumed; its log: %s", broker, paused.log()).isTrue();
            return takeover;
        });
    }

    /**
     * A woken process finds out what it missed (fenced, its session gone) and must recover in place:
     * ready again, and still alive some seconds later. With Kafka 4.4's transactional state stores
     * a woken issuer died here, a JVM crash in RocksDB (docs/bench-log/2026-12-06-restart-after-kill.md).
     */
    private static void awaitAliveAfterWaking(String service, RoleProcess woken) throws InterruptedException {
        long wokeAt = System.nanoTime();
        Duration ready = cluster.awaitReady(service, Duration.ofSeconds(120));
        Thread.sleep(10_000);
        assertThat(woken.isAlive()).as("%s alive 10 s after it was ready again; its log: %s", service, woken.log()).isTrue();
        say("%s ready %d ms after it was resumed, and alive %d ms after", service, ready.toMillis(), millisSince(wokeAt));
    }

    /** What a test does in the middle of its burst; returns what it measured. */
    @FunctionalInterface
    private interface Fault<T> {
        T inject(Map<String, Integer> caps, String hot, Burst burst) throws Exception;
    }

    /** A fault whose recovery is timed by when decisions became visible again; returns that time. */
    @FunctionalInterface
    private interface TimedFault {
        Duration inject(Map<String, Integer> caps, String hot, Burst burst, DecisionWatch watch) throws Exception;
    }

    /**
     * {@link #duringBurst} with a {@link DecisionWatch} for the fault, started before the burst: it
     * only sees what is decided once it has started, and the recovery is timed on the burst's requests.
     */
    private static Duration timedDuringBurst(TestInfo test, String prefix, int acceptedFirst, TimedFault fault)
            throws Exception {
        try (DecisionWatch watch = new DecisionWatch(superUser())) {
            return duringBurst(test, prefix, acceptedFirst, (caps, hot, burst) -> fault.inject(caps, hot, burst, watch));
        }
    }

    /**
     * New events, a burst at them, {@code fault} once {@code acceptedFirst} applications are in, and
     * after the burst the checks: invariants 1-4 and 8, no transaction left open.
     */
    private static <T> T duringBurst(TestInfo test, String prefix, int acceptedFirst, Fault<T> fault) throws Exception {
        long testStart = System.nanoTime();
        Map<String, Integer> caps = createEvents(prefix);
        try (Burst burst = startBurst(caps, prefix)) {
            burst.awaitAccepted(acceptedFirst, Duration.ofSeconds(60));
            T measured = fault.inject(caps, hotEvent(caps), burst);
            Thread.sleep(2000);
            burst.stop();
            verify(test, caps, burst);
            say("%s took %d s", test.getDisplayName(), millisSince(testStart) / 1000);
            return measured;
        }
    }

    /** kill -9 of the issuer that owns the hot event; returns how long until the hot event was decided again. */
    private static Duration killTheHotEventsIssuer(Map<String, Integer> caps, String hot, Burst burst, DecisionWatch watch)
            throws Exception {
        String issuer = issuerOwning(hot);
        long killedAt = System.nanoTime();
        cluster.kill(issuer);
        say("kill -9 %s, the owner of %s, after %d accepted", issuer, hot, burst.acceptedCount());
        Duration takeover = watch.awaitDecidingAgain(killedAt, burst, List.of(hot), Duration.ofSeconds(90));
        Duration all = watch.awaitDecidingAgain(killedAt, burst, caps.keySet(), Duration.ofSeconds(90));
        say("%s decided again %d ms after the kill (all 21 events: %d ms)", hot, takeover.toMillis(), all.toMillis());
        cluster.restart(issuer);
        say("%s ready %d ms after its restart", issuer, cluster.awaitReady(issuer, Duration.ofSeconds(120)).toMillis());
        return takeover;
    }

    /** Brings back what an earlier, failed test may have left down, so that one failure does not fail the rest. */
    private static void ensureRunning() {
        for (LocalPlan.Node node : cluster.nodes()) {
            if (node.kind() != LocalPlan.ServiceKind.PROVIDED && !node.job() && !cluster.process(node.service()).isAlive()) {
                say("%s was down (an earlier test failed): restarting it", node.service());
                cluster.restart(node.service());
                cluster.awaitReady(node.service(), Duration.ofSeconds(120));
            }
        }
    }

    /**
     * The hot event (cap 1,000) and 20 others (cap 30), created through the gateway's admin API. The
     * hot event is not sold out by a fault, so its issuer still has applications to decide (a sold-out
     * event the gateway answers itself); the others sell out early, and their answers after a fault
     * are the gateway's at the edge.
     */
    private static Map<String, Integer> createEvents(String prefix) throws Exception {
        ensureRunning();
        Map<String, Integer> caps = new LinkedHashMap<>();
        caps.put(prefix + "-hot", 1_000);
        for (int i = 0; i < 20; i++) {
            caps.put(prefix + "-e" + i, 30);
        }
        for (Map.Entry<String, Integer> event : caps.entrySet()) {
            String definition = "{\"eventId\":\"" + event.getKey() + "\",\"cap\":" + event.getValue() + "}";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            HttpResponse<String> response = TestHttp.post(gateway() + "/api/events", definition, TOKEN);
            // 503 + Retry-After while partitions move after an earlier test's kill: retry, as a client should.
            while (response.statusCode() == 503 && System.nanoTime() < deadline) {
                Thread.sleep(1000);
                response = TestHttp.post(gateway() + "/api/events", definition, TOKEN);
            }
            assertThat(response.statusCode()).as("creating %s: %s", event.getKey(), response.body()).isEqualTo(201);
        }
        return caps;
    }

    private static String hotEvent(Map<String, Integer> caps) {
        return caps.keySet().iterator().next();
    }

    /** Half of the applications go to the hot event, the other half spread over the 20 others. */
    private static Burst startBurst(Map<String, Integer> caps, String prefix) {
        List<String> events = new ArrayList<>();
        String hot = hotEvent(caps);
        caps.keySet().stream().filter(e -> !e.equals(hot)).forEach(e -> {
            events.add(hot);
            events.add(e);
        });
        return Burst.start(gateway(), events, CLIENTS, APPLICATIONS_PER_SECOND, 10, prefix + "-u", 3000);
    }

    /**
     * The whole history: every answer a client got is logged, then judged against the ledger (the answer
     * topics read committed, the table) with the status endpoint's answer for every user who applied; and
     * a planted wrong answer, as a zombie issuer's early answer would be, must fail that same judgement.
     */
    private static void verify(TestInfo test, Map<String, Integer> caps, Burst burst) throws Exception {
        say("%s: %s, %d answered with the decision", test.getDisplayName(), burst.summary(), burst.answered().size());
        Path history = burst.writeHistory(runDir.resolve("history").resolve(test.getTestMethod().orElseThrow().getName() + ".jsonl"));
        assertThat(burst.unexpected()).as("answers other than 200/202 and 503 with Retry-After").isEmpty();
        CouponInvariants invariants = new CouponInvariants(new CommittedTopics(superUser()), database, caps);
        CouponInvariants.Report report = invariants.check(burst, CHECK_TIMEOUT);
        say("invariants 1-4 and 8 hold: %s", report);
        List<StatusProbe.Shown> statuses = StatusProbe.everyUser(gateway(), burst.accepted().values());
        invariants.checkStatusShownAgreesWithTheLedger(statuses);
        say("the whole history agrees with the ledger: %d requests and their answers (%s), %d decisions told, "
                + "the status of all %d users who applied", burst.history().size(), history, invariants.answersTold().size(),
                statuses.size());
        plantedWrongAnswerIsCaught(invariants, caps, burst);
        Duration stable = StableOffsets.awaitEverywhere(superUser(), Duration.ofSeconds(60));
        say("no open transaction on any partition (last stable offset = end everywhere) after %d ms", stable.toMillis());
    }

    /** A coupon past the cap told to a client the ledger rejected: what a zombie's early answer could say. */
    private static void plantedWrongAnswerIsCaught(CouponInvariants invariants, Map<String, Integer> caps, Burst burst) {
        InvariantJudge.ClientAnswer rejected = invariants.answersTold().stream().filter(a -> "REJECTED".equals(a.status()))
                .findFirst().orElseThrow(() -> new AssertionError("no rejection told: nothing to plant a wrong answer on"));
        String event = burst.accepted().get(rejected.requestId()).eventId();
        InvariantJudge.ClientAnswer planted = new InvariantJudge.ClientAnswer(rejected.requestId(), rejected.userId(), "ISSUED",
                event + "-" + (caps.get(event) + 1), null);
        List<InvariantJudge.ClientAnswer> withPlanted = new ArrayList<>(invariants.answersTold());
        withPlanted.add(planted);
        Judgement judgement = invariants.judgeAgainstTheLedger(withPlanted, List.of());
        assertThat(judgement.holds()).as("the checker must catch %s", planted).isFalse();
        assertThat(judgement.count(InvariantCheck.ANSWER_DISAGREES)).as(judgement.message()).isEqualTo(1);
        assertThat(judgement.message()).contains(rejected.requestId());
        say("a planted wrong answer (%s told %s) is caught: %s", rejected.userId(), planted.couponId(),
                InvariantCheck.ANSWER_DISAGREES);
    }

    private static int leaderOf(String eventId) throws Exception {
        List<TopicPartitionInfo> partitions = admin.describeTopics(List.of(Topics.APPLY_REQUESTS.name())).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(Topics.APPLY_REQUESTS.name()).partitions();
        int partition = partitionOf(eventId, partitions.size());
        return partitions.get(partition).leader().id();
    }

    private static int partitionOf(String eventId, int partitions) {
        return io.couponissuer.kafka.KeyPartition.of(eventId, partitions);
    }

    private static String brokerService(int nodeId) {
        return cluster.servicesRunning("kafka-node").stream()
                .filter(s -> cluster.node(s).environment().get("KAFKA_NODE_ID").equals(String.valueOf(nodeId)))
                .findFirst().orElseThrow();
    }

    /** The issuer whose consumer is assigned the hot event's apply partition (its static member id is its service name). */
    private static String issuerOwning(String eventId) throws Exception {
        int partitions = admin.describeTopics(List.of(Topics.APPLY_REQUESTS.name())).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(Topics.APPLY_REQUESTS.name()).partitions().size();
        TopicPartition apply = new TopicPartition(Topics.APPLY_REQUESTS.name(), partitionOf(eventId, partitions));
        for (MemberDescription member : admin.describeConsumerGroups(List.of("coupon-issuer")).all()
                .get(30, TimeUnit.SECONDS).get("coupon-issuer").members()) {
            if (member.assignment().topicPartitions().contains(apply)) {
                // Kafka Streams gives each stream thread's consumer the instance id plus "-<thread>".
                String instance = member.groupInstanceId().orElseThrow(() -> new AssertionError("issuer without a static id: " + member));
                return instance.replaceFirst("-\\d+$", "");
            }
        }
        throw new AssertionError("no issuer owns " + apply);
    }

    private static String gateway() {
        return cluster.url("gateway");
    }

    private static int countAfter(List<Long> nanos, long after) {
        return (int) nanos.stream().filter(n -> n > after).count();
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void say(String format, Object... args) {
        System.out.printf("[production-shape] " + format + "%n", args);
    }
}
