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
    void anAnswerMadeBeforeItsWaiterRegistersIsStillDelivered() throws Exception {
        try (DecisionFeed feed = new DecisionFeed()) {
            CouponIssued coupon = coupon("early");
            feed.decided(coupon);
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
                    feed.decided(coupon("r" + i));
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
