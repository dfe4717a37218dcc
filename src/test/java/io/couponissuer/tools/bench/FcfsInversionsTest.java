package io.couponissuer.tools.bench;

import io.couponissuer.tools.bench.FcfsInversions.Contender;
import io.couponissuer.tools.bench.SentRequest.LogPosition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Pairs (SOLD_OUT a, issued b) of one event and two users, a accepted more than delta before b. */
class FcfsInversionsTest {
    private static final String EVENT = "bench-00-e0";
    private static final long MS = 1_000_000L;

    private final List<SentRequest> sent = new ArrayList<>();
    private final List<ObservedDecision> decisions = new ArrayList<>();

    @Test
    void aRunDecidedInArrivalOrderHasNone() {
        acked("r0", "u-0", 1 * MS, 0, 0, "ISSUED");
        acked("r1", "u-1", 2 * MS, 0, 1, "ISSUED");
        acked("r2", "u-2", 2 * MS, 0, 2, "SOLD_OUT"); // same batch as the last coupon, after it
        acked("r3", "u-3", 3 * MS, 0, 3, "SOLD_OUT");
        acked("r4", "u-0", 4 * MS, 0, 4, "DUPLICATE");
        acked("r5", "u-4", 150 * MS, 0, 5, "SOLD_OUT");

        FcfsInversions.RunInversions summary = FcfsInversions.of(sent, decisions, AcceptTime.BROKER_ACK);

        assertThat(summary.atDeltaMs()).containsExactly(Map.entry(0L, 0L), Map.entry(10L, 0L), Map.entry(100L, 0L));
        assertThat(summary.soldOutConsidered()).isEqualTo(3);
        assertThat(summary.issuedConsidered()).isEqualTo(2);
    }

    @Test
    void countsEveryLaterWinnerOfEachSoldOutAtEachDelta() {
        acked("b1", "u-b1", 50 * MS, "ISSUED");
        acked("b2", "u-b2", 120 * MS, "ISSUED");
        acked("a1", "u-a1", 0, "SOLD_OUT");        // before b1 and b2 by 0 and 10 ms; before b2 by 100 ms
        acked("a2", "u-a2", 45 * MS, "SOLD_OUT");  // before b1 by 5 ms, b2 by 75 ms
        acked("a3", "u-a3", 100 * MS, "SOLD_OUT"); // before b2 by 20 ms
        acked("a4", "u-a4", 130 * MS, "SOLD_OUT"); // after both

        FcfsInversions.RunInversions summary = FcfsInversions.of(sent, decisions, AcceptTime.BROKER_ACK);

        assertThat(summary.atDeltaMs()).containsExactly(Map.entry(0L, 5L), Map.entry(10L, 4L), Map.entry(100L, 1L));
        assertThat(summary.soldOutConsidered()).isEqualTo(4);
    }

    @Test
    void aPairCountsForDeltaOnlyWhenTheGapExceedsIt() {
        acked("a", "u-a", 0, "SOLD_OUT");
        acked("c", "u-c", 10 * MS, "SOLD_OUT");
        acked("b", "u-b", 10 * MS, "ISSUED");          // a: exactly 10 ms later; c: the same instant
        acked("b'", "u-b'", 10 * MS + 1, "ISSUED");    // one nanosecond more

        FcfsInversions.RunInversions summary = FcfsInversions.of(sent, decisions, AcceptTime.BROKER_ACK);

        // delta 0: a-b, a-b', c-b' (c-b is a tie); delta 10: a-b' only
        assertThat(summary.atDeltaMs()).containsExactly(Map.entry(0L, 3L), Map.entry(10L, 1L), Map.entry(100L, 0L));
    }

    @Test
    void aUsersOwnLaterWinIsNoInversion() {
        acked("own-lost", "u-0", 0, "SOLD_OUT");
        acked("own-won", "u-0", 50 * MS, "ISSUED"); // e.g. after the cap was raised
        acked("other", "u-1", 10 * MS, "SOLD_OUT");

        FcfsInversions.RunInversions summary = FcfsInversions.of(sent, decisions, AcceptTime.BROKER_ACK);

        assertThat(summary.atDeltaMs()).containsExactly(Map.entry(0L, 1L), Map.entry(10L, 1L), Map.entry(100L, 0L));
        assertThat(summary.soldOutConsidered()).isEqualTo(2);
    }

    @Test
    void onlyAcceptedSoldOutRejectionsOfTheSameEventCount() {
        acked("dup", "u-1", 0, "DUPLICATE");
        acked("early", "u-2", 0, "NOT_OPEN");
        acked("late", "u-3", 0, "CLOSED");
        acked("unknown", "u-4", 0, "EVENT_UNKNOWN");
        sent.add(new SentRequest("failed", EVENT, "u-5", 0, 0, 0, 0, "TimeoutException: expired"));
        decisions.add(decision("failed", "u-5", "SOLD_OUT")); // it landed, but the bench was not told so
        decisions.add(decision("unsent", "u-6", "SOLD_OUT"));
        sent.add(new SentRequest("other-event", "bench-00-e1", "u-7", 0, 0, 0, 200, null));
        decisions.add(new ObservedDecision("other-event", "bench-00-e1", "u-7", false, null, 0, "SOLD_OUT", null,
                null, 0));
        acked("win", "u-0", 50 * MS, "ISSUED");

        FcfsInversions.RunInversions summary = FcfsInversions.of(sent, decisions, AcceptTime.BROKER_ACK);

        assertThat(summary.atDeltaMs()).containsExactly(Map.entry(0L, 0L), Map.entry(10L, 0L), Map.entry(100L, 0L));
        assertThat(summary.soldOutConsidered()).isEqualTo(1); // the other event's, which has no winner
    }

    @Test
    void withinAPartitionTheOffsetDecidesAtDeltaZeroAndAcrossPartitionsTheAckTime() {
        acked("b", "u-b", 20 * MS, 0, 6, "ISSUED");
        acked("a", "u-a", 20 * MS, 0, 5, "SOLD_OUT");     // same batch as b, before it
        acked("c", "u-c", 20 * MS, 0, 7, "SOLD_OUT");     // same batch, after it
        acked("e", "u-e", 25 * MS, 0, 4, "SOLD_OUT");     // before b on the log, whatever its ack time says
        acked("own", "u-b", 5 * MS, 0, 3, "SOLD_OUT");    // b's own user
        acked("f", "u-f", 9 * MS, 1, 100, "SOLD_OUT");    // other partition, acked 11 ms before b
        acked("g", "u-g", 20 * MS, 1, 101, "SOLD_OUT");   // other partition, acked with b

        FcfsInversions.RunInversions summary = FcfsInversions.of(sent, decisions, AcceptTime.BROKER_ACK);

        // delta 0: a, e (offsets), f (time); delta 10: f only
        assertThat(summary.atDeltaMs()).containsExactly(Map.entry(0L, 3L), Map.entry(10L, 1L), Map.entry(100L, 0L));
    }

    @Test
    void overHttpOnlyAnAnswerBeforeTheOtherSendOrdersAPair() {
        answered("b", "u-b", 20 * MS, 40 * MS, "ISSUED");
        answered("overlapping", "u-o", 0, 30 * MS, "SOLD_OUT"); // in flight while b was sent: not ordered
        answered("done-before", "u-d", 0, 10 * MS, "SOLD_OUT"); // answered 10 ms before b was sent

        FcfsInversions.RunInversions summary = FcfsInversions.of(sent, decisions, AcceptTime.SEND_TO_ANSWER);

        assertThat(summary.atDeltaMs()).containsExactly(Map.entry(0L, 1L), Map.entry(10L, 0L), Map.entry(100L, 0L));
        assertThat(summary.order()).isEqualTo(AcceptTime.SEND_TO_ANSWER.description());
    }

    /** The binary searches against the rule applied to every pair, on runs full of ties and exact gaps. */
    @Test
    void matchesTheRuleAppliedToEveryPair() {
        long total = 0;
        for (int seed = 0; seed < 200; seed++) {
            List<Contender> contenders = randomRun(new Random(seed));
            for (long deltaMs : FcfsInversions.DELTAS_MS) {
                long expected = pairByPair(contenders, deltaMs);
                assertThat(FcfsInversions.count(contenders, deltaMs)).as("seed %d, delta %d", seed, deltaMs)
                        .isEqualTo(expected);
                total += expected;
            }
        }
        assertThat(total).isPositive();
    }

    private static List<Contender> randomRun(Random random) {
        List<Contender> contenders = new ArrayList<>();
        long[] nextOffset = new long[3];
        for (int i = 0; i < 60; i++) {
            String event = "e" + random.nextInt(2);
            String user = "u-" + random.nextInt(15);
            long from = random.nextInt(25) * 5 * MS; // whole 5 ms steps: ties and gaps of exactly 10 and 100 ms
            long to = random.nextBoolean() ? from : from + random.nextInt(3) * 5 * MS;
            int partition = random.nextInt(3);
            LogPosition position = random.nextInt(4) == 0 ? null : new LogPosition(partition, nextOffset[partition]++);
            contenders.add(new Contender(event, user, random.nextInt(4) == 0, from, to, position));
        }
        return contenders;
    }

    /** The definition, written out on its own: same event, two users, a SOLD_OUT accepted before b issued. */
    private static long pairByPair(List<Contender> contenders, long deltaMs) {
        long count = 0;
        for (Contender a : contenders) {
            for (Contender b : contenders) {
                if (a.issued() || !b.issued() || !a.eventId().equals(b.eventId()) || a.userId().equals(b.userId())) {
                    continue;
                }
                boolean samePartition = a.position() != null && b.position() != null
                        && a.position().partition() == b.position().partition();
                boolean earlier = deltaMs == 0 && samePartition
                        ? a.position().offset() < b.position().offset()
                        : a.notAfterNanos() + deltaMs * MS < b.notBeforeNanos();
                if (earlier) {
                    count++;
                }
            }
        }
        return count;
    }

    private void acked(String requestId, String userId, long ackNanos, String outcome) {
        sent.add(new SentRequest(requestId, EVENT, userId, 0, ackNanos, 0, 200, null));
        decisions.add(decision(requestId, userId, outcome));
    }

    private void acked(String requestId, String userId, long ackNanos, int partition, long offset, String outcome) {
        sent.add(new SentRequest(requestId, EVENT, userId, 0, ackNanos, 0, 200, null,
                new LogPosition(partition, offset)));
        decisions.add(decision(requestId, userId, outcome));
    }

    private void answered(String requestId, String userId, long sentNanos, long answerNanos, String outcome) {
        sent.add(new SentRequest(requestId, EVENT, userId, sentNanos, answerNanos, answerNanos, 200, null));
        decisions.add(decision(requestId, userId, outcome));
    }

    private static ObservedDecision decision(String requestId, String userId, String outcome) {
        boolean issued = outcome.equals("ISSUED");
        return new ObservedDecision(requestId, EVENT, userId, issued, issued ? EVENT + "-" + requestId : null, 0,
                issued ? null : outcome, null, null, 0);
    }
}
