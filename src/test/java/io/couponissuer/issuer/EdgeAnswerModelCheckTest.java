package io.couponissuer.issuer;

import io.couponissuer.kafka.CommittedEvent;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.Rejection;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property check of the answers at the edge (kafka.CommittedEvent#proves) against the issuer's own
 * decisions. The real topology (TopologyTestDriver) decides a random history of one event:
 * definitions with raised and lowered caps and moving windows, and applications, repeats among them.
 * Its committed outputs, coupon.events and coupon.issued, are then read by a gateway's view that is
 * behind or ahead on each topic independently, as a consumer of two topics is.
 *
 * <p>The claim checked: an answer given after a read barrier (the view holds at least everything
 * committed before the application arrived) is the decision the issuer would make at some point
 * between the application's arrival and the furthest commit the view has read; a holder's
 * DUPLICATE needs no barrier and carries the holder's coupon. "Would make at a point" is the
 * decider's rules on the issuer's committed state there, and that function is itself checked against
 * every decision the issuer made in the run. Seeded, so a failure names the case. Mutations it
 * catches: SOLD_OUT by the coupons read instead of the count on the definition's record (a raised cap
 * not read yet), answering without the coupons taken before that record, the window before the holder.
 */
class EdgeAnswerModelCheckTest {
    private static final int CASES = 250;
    private static final int PROBES = 300;
    private static final String EVENT = "e";

    @TempDir
    Path stateRoot;

    /** The issuer's committed state after a step: its definition then, and its coupons by user. */
    private record State(EventDefinition definition, Map<String, CouponIssued> holders, long issued) {
        /** The decider's rules, in its order; null for "a coupon". */
        Decided decide(String userId, Instant at) {
            CouponIssued coupon = holders.get(userId);
            if (definition == null) {
                return new Decided(RejectReason.EVENT_UNKNOWN, null);
            }
            if (coupon != null) {
                return new Decided(RejectReason.DUPLICATE, coupon.couponId());
            }
            RejectReason window = definition.windowRejection(at);
            if (window != null) {
                return new Decided(window, null);
            }
            return issued >= definition.cap() ? new Decided(RejectReason.SOLD_OUT, null) : new Decided(null, null);
        }
    }

    /** A decision as far as the edge can give one: a reason (null: a coupon) and, for DUPLICATE, the coupon. */
    private record Decided(RejectReason reason, String couponId) {
        static Decided of(Rejection rejection) {
            return new Decided(rejection.reason(),
                    rejection.firstDecision() == null ? null : rejection.firstDecision().couponId());
        }
    }

    /** A record the issuer committed, with the step that wrote it. */
    private record Out<T>(int step, T record) {
    }

    @Test
    void everyEdgeAnswerIsTheIssuersDecisionAtSomePointTheViewCovers() throws Exception {
        for (int seed = 1; seed <= CASES; seed++) {
            runCase(seed);
        }
    }

    private void runCase(int seed) throws Exception {
        Random random = new Random(seed);
        int users = 1 + random.nextInt(12);
        int steps = 20 + random.nextInt(120);
        String at = "seed " + seed;

        List<State> states = new ArrayList<>(); // states.get(s): after step s; 0 is before any
        List<Out<TestRecord<String, EventDefinition>>> events = new ArrayList<>();
        List<Out<CouponIssued>> coupons = new ArrayList<>();
        int[] eventsAfter = new int[steps + 1];
        int[] couponsAfter = new int[steps + 1];
        states.add(new State(null, Map.of(), 0));
        Instant start;
        try (IssuerDriver issuer = new IssuerDriver(Files.createTempDirectory(stateRoot, "edge"))) {
            start = issuer.now();
            for (int step = 1; step <= steps; step++) {
                State before = states.get(step - 1);
                if (step == 1 || random.nextInt(10) == 0) {
                    issuer.define(definition(random, issuer.now()));
                } else {
                    String user = "u" + random.nextInt(users);
                    Instant requestedAt = issuer.now();
                    issuer.apply(EVENT, user);
                    Decided made = issuer.rejected().stream().findFirst().map(Decided::of)
                            .orElse(new Decided(null, null));
                    assertThat(made).as("the rules on the committed state are the issuer's decision, %s step %d", at, step)
                            .isEqualTo(before.decide(user, requestedAt));
                }
                EventDefinition definition = before.definition();
                for (TestRecord<String, EventDefinition> record : issuer.eventRecords()) {
                    events.add(new Out<>(step, record));
                    definition = record.value();
                }
                Map<String, CouponIssued> holders = new HashMap<>(before.holders());
                for (CouponIssued coupon : issuer.issued()) {
                    coupons.add(new Out<>(step, coupon));
                    holders.put(coupon.userId(), coupon);
                }
                issuer.rejected();
                states.add(new State(definition, Map.copyOf(holders), holders.size()));
                eventsAfter[step] = events.size();
                couponsAfter[step] = coupons.size();
            }
        }

        for (int probe = 0; probe < PROBES; probe++) {
            int arrived = random.nextInt(steps + 1); // the application arrived after this step
            boolean barrier = random.nextBoolean();
            int readEvents = barrier ? between(random, eventsAfter[arrived], events.size()) : random.nextInt(events.size() + 1);
            int readCoupons = barrier ? between(random, couponsAfter[arrived], coupons.size()) : random.nextInt(coupons.size() + 1);
            CommittedEvent view = new CommittedEvent(EVENT);
            events.subList(0, readEvents).forEach(out -> view.defined(out.record().value(), IssuerDriver.issuedCount(out.record())));
            coupons.subList(0, readCoupons).forEach(out -> view.issued(out.record(), true));
            String user = "u" + random.nextInt(users);
            Instant requestedAt = start.plusMillis(random.nextInt(steps + 2));
            ApplyRequest application = new ApplyRequest("probe", EVENT, user, requestedAt);
            // Without a barrier the gateway asks only whether the user holds a coupon.
            Optional<Rejection> edge = barrier ? view.proves(application)
                    : view.holding(user).map(coupon -> new Rejection("probe", EVENT, user, RejectReason.DUPLICATE,
                            requestedAt, io.couponissuer.message.StandingDecision.issued(coupon)));
            if (edge.isEmpty()) {
                continue;
            }
            Decided told = Decided.of(edge.get());
            String where = at + ", probe " + probe + " (arrived after step " + arrived + ", read " + readEvents + "/"
                    + events.size() + " definitions and " + readCoupons + "/" + coupons.size() + " coupons): " + told;
            if (told.reason() == RejectReason.DUPLICATE) {
                // Coupons are never taken back: from its coupon on, the issuer says DUPLICATE with it.
                int wonAt = coupons.stream().filter(out -> out.record().userId().equals(user)).findFirst()
                        .orElseThrow().step();
                for (int s = wonAt; s <= steps; s++) {
                    assertThat(states.get(s).decide(user, requestedAt)).as(where).isEqualTo(told);
                }
                continue;
            }
            int reach = Math.max(arrived, Math.max(stepOf(events, readEvents), stepOf(coupons, readCoupons)));
            boolean decidedSoSomewhere = false;
            for (int s = arrived; s <= reach && !decidedSoSomewhere; s++) {
                decidedSoSomewhere = states.get(s).decide(user, requestedAt).equals(told);
            }
            assertThat(decidedSoSomewhere).as("the issuer decides so at a point in [arrival, reach], %s", where).isTrue();
        }
    }

    private static EventDefinition definition(Random random, Instant now) {
        int cap = random.nextInt(8);
        Instant opensAt = random.nextInt(3) == 0 ? now.plusMillis(random.nextInt(40) - 20) : null;
        Instant closesAt = random.nextInt(3) == 0
                ? (opensAt == null ? now : opensAt).plusMillis(1 + random.nextInt(60)) : null;
        return new EventDefinition(EVENT, cap, opensAt, closesAt);
    }

    /** The step that wrote the last of the first {@code read} records; 0 when none is read. */
    private static int stepOf(List<? extends Out<?>> outs, int read) {
        return read == 0 ? 0 : outs.get(read - 1).step();
    }

    private static int between(Random random, int low, int high) {
        return low + random.nextInt(high - low + 1);
    }
}
