package io.couponissuer.issuer.spread;

import io.couponissuer.message.ClaimDecided;
import io.couponissuer.message.StandingDecision;
import io.couponissuer.message.EventSoldOut;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.WindowOpened;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property check of the spread rules across partitions, which TopologyTestDriver (one partition)
 * cannot do: N stage-1 gates and one counter, every message delayed at random but kept in order per
 * partition (as Kafka keeps a producer's order within a partition), each claim's outcome sent back
 * to its partition behind the counter's notices, definitions and redefinitions (raised and lowered
 * caps) at random times. Seeded, so a failure names the case. Mutations of the gate it catches: a
 * window one short, a claim counted while the user has one in flight.
 */
class SpreadModelCheckTest {
    private static final int CASES = 2_000;
    private static final Instant AT = Instant.parse("2026-11-30T00:00:00Z");

    private record Claim(int partition, String requestId, String userId, boolean counted, long gateVersion) {
    }

    private record Answered(String requestId, String userId, String answer, long order) {
    }

    @Test
    void everyInterleavingKeepsTheCapExactAndEveryLocalSoldOutJustified() {
        for (int seed = 1; seed <= CASES; seed++) {
            runCase(seed);
        }
    }

    private void runCase(int seed) {
        Random random = new Random(seed);
        int partitions = 1 + random.nextInt(6);
        int users = 1 + random.nextInt(60);
        int operations = 50 + random.nextInt(400);
        int defineAt = random.nextInt(4) == 0 ? random.nextInt(operations) : 0;

        ClaimWindow[] gates = new ClaimWindow[partitions];
        List<Map<String, Claimant>> claimants = new ArrayList<>();
        List<ArrayDeque<Claim>> claims = new ArrayList<>();
        List<ArrayDeque<IssuerCommand>> notices = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            gates[p] = ClaimWindow.UNKNOWN;
            claimants.add(new HashMap<>());
            claims.add(new ArrayDeque<>());
            notices.add(new ArrayDeque<>());
        }
        CounterModel counter = new CounterModel();
        Map<Long, Long> capOf = new HashMap<>();
        Map<Long, Long> windowOf = new HashMap<>();
        Map<Long, Long> issuedAtEnd = new HashMap<>();
        Map<Long, Long> countedClaimsOf = new HashMap<>();
        List<Answered> answers = new ArrayList<>();
        List<long[]> localSoldOuts = new ArrayList<>(); // {partition, gate version}
        List<StandingDecision> localDuplicates = new ArrayList<>();
        // "partition/version" of gates whose counted claims of that version were decided after the counter
        // had opened a newer one (a redefinition overtook them).
        Set<String> overtaken = new HashSet<>();
        Set<String> applicants = new TreeSet<>();
        int applications = 0;
        int definitions = 0;
        long[] order = {0};

        for (int op = 0; op < operations || !drained(claims, notices); op++) {
            boolean applying = op < operations;
            int action = random.nextInt(100);
            if (applying && op == defineAt || applying && definitions > 0 && action < 2) {
                if (counter.version() > 0) {
                    issuedAtEnd.put(counter.version(), counter.issued());
                }
                int cap = random.nextInt(12);
                counter.define(cap);
                definitions++;
                capOf.put(counter.version(), (long) cap);
                windowOf.put(counter.version(), Math.max(0, cap - counter.issued()));
                broadcast(counter, notices);
            } else if (applying && action < 50) {
                String user = "u" + random.nextInt(users);
                String requestId = "r" + applications++;
                applicants.add(user);
                int p = Math.floorMod(user.hashCode(), partitions);
                long gateVersion = gates[p].version();
                ClaimRules.Ruling ruling = ClaimRules.admit(gates[p],
                        claimants.get(p).getOrDefault(user, Claimant.NEW), AT);
                gates[p] = ruling.next();
                remember(claimants.get(p), user, ruling.claimant());
                if (ruling.step() == ClaimRules.Ruling.Step.REJECT_HERE && ruling.reason() == RejectReason.DUPLICATE) {
                    answers.add(new Answered(requestId, user, "DUPLICATE", order[0]++));
                    localDuplicates.add(ruling.first());
                } else if (ruling.step() == ClaimRules.Ruling.Step.REJECT_HERE) {
                    assertThat(ruling.reason()).isEqualTo(RejectReason.SOLD_OUT);
                    answers.add(new Answered(requestId, user, "SOLD_OUT(local)", order[0]++));
                    localSoldOuts.add(new long[] {p, gateVersion});
                } else {
                    claims.get(p).add(new Claim(p, requestId, user,
                            ruling.step() == ClaimRules.Ruling.Step.CLAIM_COUNTED, gateVersion));
                }
            } else if (action < 80) {
                ArrayDeque<Claim> queue = claims.get(random.nextInt(partitions));
                Claim claim = queue.poll();
                if (claim != null) {
                    if (claim.counted()) {
                        countedClaimsOf.merge(claim.gateVersion(), 1L, Long::sum);
                        if (counter.version() > claim.gateVersion()) {
                            overtaken.add(claim.partition() + "/" + claim.gateVersion());
                        }
                    }
                    CounterModel.Decision decision = counter.decide(claim.userId(), claim.requestId());
                    answers.add(new Answered(claim.requestId(), claim.userId(), decision.kind()
                            + (decision.kind() == CounterModel.Decision.Kind.ISSUED ? ":" + decision.seq() : ""), order[0]++));
                    // The outcome goes back to the claim's partition, behind the notices sent before it.
                    notices.get(claim.partition()).add(new ClaimDecided(CounterModel.EVENT, claim.userId(),
                            CounterModel.couponOf(claim.userId(), decision)));
                    broadcast(counter, notices);
                }
            } else {
                int p = random.nextInt(partitions);
                IssuerCommand notice = notices.get(p).poll();
                if (notice instanceof WindowOpened opened) {
                    gates[p] = gates[p].opened(opened);
                } else if (notice instanceof EventSoldOut soldOut) {
                    gates[p] = gates[p].soldOut(soldOut);
                } else if (notice instanceof ClaimDecided decided) {
                    remember(claimants.get(p), decided.userId(),
                            claimants.get(p).getOrDefault(decided.userId(), Claimant.NEW).decided(decided.coupon()));
                }
            }
        }
        if (counter.version() > 0) {
            issuedAtEnd.put(counter.version(), counter.issued());
        }

        String at = "seed " + seed + " (" + partitions + " partitions, " + users + " users, " + definitions + " definitions)";
        assertThat(answers).as("one answer per application, %s", at).hasSize(applications);
        assertThat(answers.stream().map(Answered::requestId).distinct().count()).as(at).isEqualTo(applications);

        List<Answered> issued = answers.stream().filter(a -> a.answer().startsWith("ISSUED")).toList();
        assertThat(issued.stream().map(Answered::userId).distinct().count()).as("one coupon per user, %s", at)
                .isEqualTo(issued.size());
        assertThat(issued.stream().map(a -> a.answer()).toList()).as("seq 1..issued in order, %s", at)
                .isEqualTo(java.util.stream.LongStream.rangeClosed(1, issued.size()).mapToObj(s -> "ISSUED:" + s).toList());
        long largestCap = capOf.values().stream().mapToLong(Long::longValue).max().orElse(0);
        assertThat((long) issued.size()).as("issued <= the largest cap, %s", at).isLessThanOrEqualTo(largestCap);

        // After a user's coupon, every answer to that user is DUPLICATE.
        Map<String, Long> wonAt = new HashMap<>();
        issued.forEach(a -> wonAt.put(a.userId(), a.order()));
        for (Answered a : answers) {
            Long won = wonAt.get(a.userId());
            if (won != null && a.order() > won) {
                assertThat(a.answer()).as("a holder's later answer, %s: %s", at, a).isEqualTo("DUPLICATE");
            }
        }
        // A DUPLICATE given by a gate carries the user's one coupon.
        Map<String, String> couponOf = new HashMap<>();
        issued.forEach(a -> couponOf.put(a.userId(), a.answer()));
        for (StandingDecision first : localDuplicates) {
            assertThat("ISSUED:" + first.seq()).as("a gate's DUPLICATE carries the coupon, %s", at)
                    .isEqualTo(couponOf.get(first.userId()));
        }
        // A SOLD_OUT given by a gate is the claim window's theorem: the version it knew sold out before
        // it ended, unless a redefinition overtook the counted claims that justified it (then the answer
        // was given under the old cap, before the gate heard of the new one).
        for (long[] local : localSoldOuts) {
            long partition = local[0];
            long version = local[1];
            boolean soldOutInVersion = issuedAtEnd.get(version) >= capOf.get(version);
            assertThat(soldOutInVersion || overtaken.contains(partition + "/" + version))
                    .as("version %d sold out, or overtaken, when gate %d said so, %s", version, partition, at).isTrue();
        }
        // The counter's load: counted claims per version at most partitions x window.
        countedClaimsOf.forEach((version, n) -> assertThat(n).as("counted claims of version %d, %s", version, at)
                .isLessThanOrEqualTo(partitions * windowOf.get(version)));
        // One definition from the start: exactly min(cap, applicants) coupons, the window never refused too many.
        if (definitions == 1 && defineAt == 0) {
            assertThat((long) issued.size()).as("issued == min(cap, applicants), %s", at)
                    .isEqualTo(Math.min(capOf.get(1L), applicants.size()));
        }
    }

    private static void remember(Map<String, Claimant> claimants, String user, Claimant claimant) {
        if (claimant.forgettable()) {
            claimants.remove(user);
        } else {
            claimants.put(user, claimant);
        }
    }

    private static void broadcast(CounterModel counter, List<ArrayDeque<IssuerCommand>> notices) {
        for (IssuerCommand notice : counter.drainNotices()) {
            notices.forEach(queue -> queue.add(notice));
        }
    }

    private static boolean drained(List<ArrayDeque<Claim>> claims, List<ArrayDeque<IssuerCommand>> notices) {
        return claims.stream().allMatch(ArrayDeque::isEmpty) && notices.stream().allMatch(ArrayDeque::isEmpty);
    }
}
