package io.couponissuer.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges a finished run against the invariants (README "Invariants", 1-4): per event issued == min(cap,
 * distinct applicants), at most one coupon per (event, user), every accepted request decided exactly
 * once, and the table holding exactly the coupons of coupon.issued. Pure: all inputs are given, so a
 * unit test can feed it a broken run.
 */
public final class ExactnessCheck {
    /** Enough names to find the cause; the counts say how many there were. */
    static final int MAX_PROBLEMS = 20;

    private final int cap;

    public ExactnessCheck(int cap) {
        this.cap = cap;
    }

    public Verdict judge(List<String> eventIds, List<SentRequest> sent, List<ObservedDecision> decisions,
                         List<CouponRow> table) {
        List<String> problems = new ArrayList<>();
        long capViolations = checkCaps(eventIds, decisions, problems);
        long duplicateUsers = checkOneCouponPerUser(decisions, problems);
        Map<String, Integer> decisionsPerRequest = new HashMap<>();
        decisions.forEach(d -> decisionsPerRequest.merge(d.requestId(), 1, Integer::sum));
        long missing = 0;
        long repeated = 0;
        Set<String> accepted = new HashSet<>();
        for (SentRequest request : sent) {
            if (!request.accepted()) {
                continue;
            }
            accepted.add(request.requestId());
            int count = decisionsPerRequest.getOrDefault(request.requestId(), 0);
            if (count == 0) {
                missing++;
                note(problems, "request " + request.requestId() + " (" + request.eventId() + ", " + request.userId()
                        + ") accepted but never decided");
            } else if (count > 1) {
                repeated++;
                note(problems, "request " + request.requestId() + " decided " + count + " times");
            }
        }
        long unmatched = decisionsPerRequest.keySet().stream().filter(id -> !accepted.contains(id)).count();
        long tableMismatches = checkTable(decisions, table, problems);
        boolean exact = capViolations == 0 && duplicateUsers == 0 && missing == 0 && repeated == 0
                && tableMismatches == 0;
        return new Verdict(exact, capViolations, duplicateUsers, missing, repeated, unmatched, tableMismatches,
                List.copyOf(problems));
    }

    /** The applicants are the users the issuer decided for: that includes a 503'd request that landed anyway. */
    private long checkCaps(List<String> eventIds, List<ObservedDecision> decisions, List<String> problems) {
        Map<String, Set<String>> applicants = new HashMap<>();
        Map<String, Long> issued = new HashMap<>();
        for (ObservedDecision d : decisions) {
            applicants.computeIfAbsent(d.eventId(), e -> new HashSet<>()).add(d.userId());
            if (d.issued()) {
                issued.merge(d.eventId(), 1L, Long::sum);
            }
        }
        long violations = 0;
        for (String eventId : eventIds) {
            long expected = Math.min(cap, applicants.getOrDefault(eventId, Set.of()).size());
            long actual = issued.getOrDefault(eventId, 0L);
            if (actual != expected) {
                violations++;
                note(problems, eventId + ": issued " + actual + ", expected min(cap " + cap + ", applicants) = "
                        + expected);
            }
        }
        return violations;
    }

    private long checkOneCouponPerUser(List<ObservedDecision> decisions, List<String> problems) {
        Set<String> holders = new HashSet<>();
        Set<String> couponIds = new HashSet<>();
        long duplicates = 0;
        for (ObservedDecision d : decisions) {
            if (!d.issued()) {
                continue;
            }
            if (!holders.add(d.eventId() + "/" + d.userId())) {
                duplicates++;
                note(problems, d.eventId() + ": user " + d.userId() + " got more than one coupon");
            }
            if (!couponIds.add(d.couponId())) {
                duplicates++;
                note(problems, "coupon " + d.couponId() + " issued more than once");
            }
        }
        return duplicates;
    }

    private long checkTable(List<ObservedDecision> decisions, List<CouponRow> table, List<String> problems) {
        Set<CouponRow> onTopic = new HashSet<>();
        decisions.stream().filter(ObservedDecision::issued)
                .forEach(d -> onTopic.add(new CouponRow(d.couponId(), d.eventId(), d.userId(), d.requestId())));
        Set<CouponRow> inTable = new HashSet<>(table);
        long mismatches = 0;
        for (CouponRow row : onTopic) {
            if (!inTable.contains(row)) {
                mismatches++;
                note(problems, "coupon " + row.couponId() + " is on coupon.issued but not in the table");
            }
        }
        for (CouponRow row : inTable) {
            if (!onTopic.contains(row)) {
                mismatches++;
                note(problems, "row " + row.couponId() + " is in the table but not on coupon.issued");
            }
        }
        return mismatches;
    }

    private static void note(List<String> problems, String problem) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(problem);
        }
    }
}
