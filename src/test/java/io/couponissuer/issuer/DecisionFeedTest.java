package io.couponissuer.issuer;

import io.couponissuer.message.Decision;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.Rejection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The answers handed to waiting clients before the commit are exactly the ledger's: the decider
 * hands over what it writes to coupon.issued/coupon.rejected, for awaited applications only, and
 * the feed delivers each answer once whether the waiter registers before or after the decision.
 */
class DecisionFeedTest {
    @TempDir
    Path stateDir;

    @Test
    void theAnswerHandedOverIsTheOneOnTheLedgerAndOnlyForAwaitedApplications() throws Exception {
        try (IssuerDriver issuer = new IssuerDriver(stateDir)) {
            issuer.define("flash", 2);
            Map<String, CompletableFuture<Decision>> answers = new HashMap<>();
            List<String> awaited = new ArrayList<>();
            for (String user : List.of("a", "b", "c", "a")) {
                String requestId = "r-" + (awaited.size() + 1);
                answers.put(requestId, issuer.feed.await(requestId)); // registered before the application is sent
                awaited.add(issuer.applyAwaited("flash", user));
            }
            String notAwaited = issuer.apply("flash", "d");
            CompletableFuture<Decision> nobodyAsked = issuer.feed.await(notAwaited);

            List<CouponIssued> issued = issuer.issued();
            List<Rejection> rejected = issuer.rejected();
            assertThat(issued).hasSize(2);
            assertThat(rejected).hasSize(3); // c SOLD_OUT, a DUPLICATE, d SOLD_OUT
            Map<String, Decision> ledger = new HashMap<>();
            issued.forEach(c -> ledger.put(c.requestId(), c));
            rejected.forEach(r -> ledger.put(r.requestId(), r));
            for (String requestId : awaited) {
                assertThat(answers.get(requestId).get(5, TimeUnit.SECONDS)).as(requestId).isEqualTo(ledger.get(requestId));
            }
            assertThat(nobodyAsked).as("an application nobody waits for is not handed over").isNotDone();
        }
    }

    @Test
    void aSubscribedGatewayIsStreamedTheDecisionsMarkedWithItsIdOnly() throws Exception {
        try (DecisionFeed feed = new DecisionFeed()) {
            java.util.concurrent.BlockingQueue<Decision> first = new java.util.concurrent.LinkedBlockingQueue<>();
            java.util.concurrent.BlockingQueue<Decision> second = new java.util.concurrent.LinkedBlockingQueue<>();
            java.util.concurrent.BlockingQueue<Decision> other = new java.util.concurrent.LinkedBlockingQueue<>();
            AutoCloseable g1 = feed.subscribe("g1", first::add);
            feed.subscribe("g2", other::add);
            byte[] g1Id = "g1".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            feed.decided(g1Id, coupon("a"));
            assertThat(first.poll(5, TimeUnit.SECONDS)).isEqualTo(coupon("a"));
            // A waiter in this process comes first; then the stream; a gateway nobody streams to: kept unclaimed.
            CompletableFuture<Decision> local = feed.await("b");
            feed.decided(g1Id, coupon("b"));
            assertThat(local.get(5, TimeUnit.SECONDS)).isEqualTo(coupon("b"));
            feed.decided("g3".getBytes(java.nio.charset.StandardCharsets.UTF_8), coupon("c"));
            assertThat(feed.await("c").get(5, TimeUnit.SECONDS)).isEqualTo(coupon("c"));
            // The gateway subscribes again (it reconnected): the new stream replaces the old.
            feed.subscribe("g1", second::add);
            feed.decided(g1Id, coupon("d"));
            assertThat(second.poll(5, TimeUnit.SECONDS)).isEqualTo(coupon("d"));
            assertThat(feed.streams()).isEqualTo(2);
            g1.close(); // the old handle closes nothing of the new stream
            assertThat(feed.streams()).isEqualTo(2);
            assertThat(first).isEmpty();
            assertThat(other).as("nothing of another gateway's").isEmpty();
        }
    }

    @Test
    void anAnswerMadeBeforeItsWaiterRegistersIsStillDelivered() throws Exception {
        try (DecisionFeed feed = new DecisionFeed()) {
            CouponIssued coupon = coupon("early");
            feed.decided(null, coupon);
            assertThat(feed.await("early").get(1, TimeUnit.SECONDS)).isEqualTo(coupon);
            assertThat(feed.await("early")).as("handed over once").isNotDone();
        }
    }

    @Test
    void concurrentWaitersAndDecisionsLoseNoAnswer() throws Exception {
        int n = 20_000;
        try (DecisionFeed feed = new DecisionFeed()) {
            List<CompletableFuture<Decision>> futures = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            Thread decider = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < n; i++) {
                    feed.decided(null, coupon("r" + i));
                }
            });
            decider.start();
            start.countDown();
            for (int i = 0; i < n; i++) {
                futures.add(feed.await("r" + i)); // races the decider: before, during or after its answer
            }
            decider.join();
            CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < n; i++) {
                assertThat(futures.get(i).get().requestId()).isEqualTo("r" + i);
            }
        }
    }

    private static CouponIssued coupon(String requestId) {
        return new CouponIssued("e-1", "e", "u", requestId, 1, java.time.Instant.EPOCH);
    }
}
