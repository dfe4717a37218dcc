package io.couponissuer.bench;

import io.couponissuer.message.EventUserKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The one judge of the invariants (README "Invariants", by number) for the events of one run: pure, it
 * reads nothing itself. The bench and the tests read the topics and the table and give it plain values;
 * it names every broken invariant with examples. What is not given is not judged: no table, no
 * invariant 4; no answers, no invariant 8.
 *
 * <p>The events given with their caps were defined and open for the whole run, with those caps, so the
 * only rejections they may have are {@code SOLD_OUT} and {@code DUPLICATE} (invariant 6 and README's
 * "not final"), and a user who got a coupon cannot have been told {@code SOLD_OUT} (it came before the
 * event sold out; every later application of theirs is a {@code DUPLICATE}).
 */
public final class InvariantJudge {
    /** Examples kept per check; the count says how many there were. */
    static final int EXAMPLES = 5;

    /** An application: one a client was told was accepted, or one found on coupon.apply-requests. */
    public record Application(String requestId, String eventId, String userId) {
    }

    /**
     * A decision read from coupon.issued (couponId and seq set) or coupon.rejected (reason set).
     *
     * @param firstStatus    for a DUPLICATE: the status of the first decision it carries (null if none)
     * @param firstRequestId for a DUPLICATE: the request of the first decision it carries (null if none)
     */
    public record Decision(String requestId, String eventId, String userId, boolean issued, String couponId, long seq,
                           String reason, String firstStatus, String firstRequestId) {
        public static Decision issued(String requestId, String eventId, String userId, String couponId, long seq) {
            return new Decision(requestId, eventId, userId, true, couponId, seq, null, null, null);
        }

        public static Decision rejected(String requestId, String eventId, String userId, String reason,
                                        String firstStatus, String firstRequestId) {
            return new Decision(requestId, eventId, userId, false, null, 0, reason, firstStatus, firstRequestId);
        }

        String status() {
            return issued ? "ISSUED" : "REJECTED";
        }

        /** What a client is told of it: the coupon, or the reason. */
        String outcome() {
            return issued ? couponId : reason;
        }

        boolean duplicate() {
            return "DUPLICATE".equals(reason);
        }
    }

    /** A decision a client was told, by request (a {@code ?waitMs} 200). Reason null for ISSUED. */
    public record Answer(String requestId, String userId, String status, String couponId, String reason) {
    }

    /** A standing decision the status endpoint showed for (event, user). Reason null for ISSUED. */
    public record Shown(String eventId, String userId, String status, String couponId, String reason) {
    }

    /** What the event endpoint showed of an event's counts. */
    public record EventShown(String eventId, long issued, long remaining) {
    }

    /** Every check, with the invariant it belongs to. */
    public enum Check {
        OVER_CAP(1, "issued more than the cap"),
        NOT_MIN_OF_CAP_AND_APPLICANTS(1, "issued != min(cap, distinct applicants)"),
        SEQS_NOT_ONE_TO_N(1, "coupon seqs are not exactly 1..issued"),
        COUPON_ID_TWICE(1, "a couponId issued more than once"),
        USER_WITH_TWO_COUPONS(2, "a user got more than one coupon of an event"),
        SOLD_OUT_TO_HOLDER(2, "a user holding a coupon was answered SOLD_OUT"),
        DUPLICATE_NOT_CARRYING_FIRST(2, "a DUPLICATE does not carry the user's coupon"),
        ACCEPTED_NOT_ON_APPLY_TOPIC(3, "an accepted request is not on the apply topic"),
        APPLICATION_TWICE_ON_APPLY_TOPIC(3, "a request is more than once on the apply topic"),
        UNDECIDED(3, "an application has no decision"),
        DECIDED_MORE_THAN_ONCE(3, "a request has more than one decision"),
        DECISION_WITHOUT_APPLICATION(3, "a decision for a request that was never applied"),
        DECISION_NOT_OF_ITS_APPLICATION(3, "a decision's event or user differs from its application's"),
        ROW_MISSING(4, "an issued coupon is neither a row nor on coupon.failed"),
        ROW_NOT_ISSUED(4, "a row that is not an issued coupon (or whose coupon is on coupon.failed)"),
        ROW_DIFFERS(4, "a row differs from its coupon on coupon.issued"),
        ROW_TWICE(4, "a coupon is more than one row"),
        NON_FINAL_REJECTION(6, "a rejection other than SOLD_OUT or DUPLICATE for a defined, open event"),
        ANSWER_DISAGREES(8, "an answer a client was given disagrees with the ledger"),
        STATUS_DISAGREES(8, "a standing decision the status endpoint showed is not the ledger's"),
        EVENT_COUNTS_DISAGREE(8, "issued/remaining the event endpoint showed disagree with the ledger");

        public final int invariant;
        public final String meaning;

        Check(int invariant, String meaning) {
            this.invariant = invariant;
            this.meaning = meaning;
        }
    }

    /**
     * What the judge found.
     *
     * @param counts             check -> how many times it broke (only broken checks)
     * @param examples           check -> the first few cases, by name
     * @param unmatchedDecisions decisions for requests no client was told were accepted (a 503 whose
     *                           record reached the broker anyway): allowed unless every send was accepted
     * @param perEvent           event -> cap, applicants, issued, duplicates
     */
    public record Judgement(Map<Check, Long> counts, Map<Check, List<String>> examples, long unmatchedDecisions,
                            Map<String, String> perEvent) {
        public boolean holds() {
            return counts.isEmpty();
        }

        /** The numbers of the broken invariants. */
        public Set<Integer> broken() {
            return counts.keySet().stream().map(c -> c.invariant).collect(Collectors.toCollection(TreeSet::new));
        }

        public long count(Check... checks) {
            long sum = 0;
            for (Check check : checks) {
                sum += counts.getOrDefault(check, 0L);
            }
            return sum;
        }

        /** One line per broken check: "invariant 1: ... (2 times), e.g. [...]". */
        public List<String> problems() {
            List<String> lines = new ArrayList<>();
            counts.forEach((check, n) -> lines.add("invariant " + check.invariant + ": " + check.meaning + " (" + n
                    + (n == 1 ? " time" : " times") + "), e.g. " + examples.get(check)));
            return lines;
        }

        public String message() {
            return holds() ? "all invariants hold" : "broken invariants " + broken() + ":\n" + String.join("\n", problems());
        }
    }

    private final Map<String, Integer> caps;
    private final List<Application> accepted;
    private final boolean everySendAccepted;
    private final List<Decision> decisions;
    private List<Application> received;
    private List<CouponRow> rows;
    private Set<String> failedCoupons = Set.of();
    private List<Answer> answers = List.of();
    private List<Shown> shown = List.of();
    private List<EventShown> eventsShown = List.of();

    /**
     * @param caps              the run's events (defined and open throughout) with their caps
     * @param accepted          the applications clients were told were accepted (202, or 200 with the decision)
     * @param everySendAccepted no client got another answer (503, error): then no other application exists
     * @param decisions         the decisions on coupon.issued and coupon.rejected, read committed (other
     *                          events' are left out)
     */
    public InvariantJudge(Map<String, Integer> caps, Collection<Application> accepted, boolean everySendAccepted,
                          Collection<Decision> decisions) {
        this.caps = new TreeMap<>(caps);
        this.accepted = List.copyOf(accepted);
        this.everySendAccepted = everySendAccepted;
        this.decisions = List.copyOf(decisions);
    }

    /** The applications of these events on coupon.apply-requests; not given, the judge infers them from the decisions. */
    public InvariantJudge received(Collection<Application> received) {
        this.received = List.copyOf(received);
        return this;
    }

    /**
     * The rows of these events in the coupon table, and the coupons the writer put on coupon.failed instead
     * (for {@code replay}): invariant 4 is judged only when given.
     */
    public InvariantJudge table(Collection<CouponRow> rows, Collection<String> failedCoupons) {
        this.rows = List.copyOf(rows);
        this.failedCoupons = Set.copyOf(failedCoupons);
        return this;
    }

    /**
     * What clients were told (invariant 8): the answers to their requests, the standing decisions the
     * status endpoint showed, the counts the event endpoint showed.
     */
    public InvariantJudge told(Collection<Answer> answers, Collection<Shown> shown, Collection<EventShown> eventsShown) {
        this.answers = List.copyOf(answers);
        this.shown = List.copyOf(shown);
        this.eventsShown = List.copyOf(eventsShown);
        return this;
    }

    public Judgement judge() {
        Findings findings = new Findings();
        List<Decision> ours = decisions.stream().filter(d -> caps.containsKey(d.eventId())).toList();
        Map<String, Application> applications = applications(ours, findings);
        long unmatched = judgeDecidedOnce(applications, ours, findings);
        Map<String, String> perEvent = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> event : caps.entrySet()) {
            perEvent.put(event.getKey(), judgeEvent(event.getKey(), event.getValue(), applications.values(),
                    ours.stream().filter(d -> d.eventId().equals(event.getKey())).toList(), findings));
        }
        judgeCouponIds(ours, findings);
        if (rows != null) {
            judgeTable(ours, findings);
        }
        judgeAnswers(ours, findings);
        return new Judgement(findings.counts, findings.examples, unmatched, perEvent);
    }

    /** requestId -> application: those on the apply topic, or (not read) those accepted plus those decided. */
    private Map<String, Application> applications(List<Decision> ours, Findings findings) {
        Map<String, Application> applications = new LinkedHashMap<>();
        if (received != null) {
            for (Application a : received) {
                if (applications.put(a.requestId(), a) != null) {
                    findings.add(Check.APPLICATION_TWICE_ON_APPLY_TOPIC, a.toString());
                }
            }
            for (Application a : accepted) {
                if (!applications.containsKey(a.requestId())) {
                    findings.add(Check.ACCEPTED_NOT_ON_APPLY_TOPIC, a.toString());
                }
            }
            return applications;
        }
        accepted.forEach(a -> applications.put(a.requestId(), a));
        for (Decision d : ours) {
            applications.putIfAbsent(d.requestId(), new Application(d.requestId(), d.eventId(), d.userId()));
        }
        return applications;
    }

    /** Invariant 3; returns the decisions for requests no client was told were accepted. */
    private long judgeDecidedOnce(Map<String, Application> applications, List<Decision> ours, Findings findings) {
        Set<String> acceptedIds = accepted.stream().map(Application::requestId).collect(Collectors.toSet());
        Map<String, Integer> perRequest = new HashMap<>();
        long unmatched = 0;
        for (Decision d : ours) {
            if (perRequest.merge(d.requestId(), 1, Integer::sum) > 1) {
                continue;
            }
            Application application = applications.get(d.requestId());
            if (received != null && application == null) {
                findings.add(Check.DECISION_WITHOUT_APPLICATION, d.toString());
            } else if (application != null && (!application.eventId().equals(d.eventId())
                    || !application.userId().equals(d.userId()))) {
                findings.add(Check.DECISION_NOT_OF_ITS_APPLICATION, d + " for " + application);
            }
            if (!acceptedIds.contains(d.requestId())) {
                unmatched++;
                boolean notedAbove = received != null && application == null;
                if (everySendAccepted && !notedAbove) {
                    findings.add(Check.DECISION_WITHOUT_APPLICATION, d + ": no client sent it, every send was accepted");
                }
            }
        }
        perRequest.forEach((id, n) -> {
            if (n > 1) {
                findings.add(Check.DECIDED_MORE_THAN_ONCE, "request " + id + " decided " + n + " times");
            }
        });
        applications.values().stream().filter(a -> caps.containsKey(a.eventId()))
                .filter(a -> !perRequest.containsKey(a.requestId()))
                .forEach(a -> findings.add(Check.UNDECIDED, a.toString()));
        return unmatched;
    }

    /** Invariants 1, 2 and 6 for one event. */
    private String judgeEvent(String eventId, int cap, Collection<Application> applications, List<Decision> ofEvent,
                              Findings findings) {
        Set<String> applicants = applications.stream().filter(a -> a.eventId().equals(eventId))
                .map(Application::userId).collect(Collectors.toCollection(TreeSet::new));
        List<Decision> issued = ofEvent.stream().filter(Decision::issued).toList();
        if (issued.size() > cap) {
            findings.add(Check.OVER_CAP, eventId + " issued " + issued.size() + " > cap " + cap);
        }
        int expected = Math.min(cap, applicants.size());
        if (issued.size() != expected) {
            findings.add(Check.NOT_MIN_OF_CAP_AND_APPLICANTS, eventId + " issued " + issued.size() + " but min(cap "
                    + cap + ", applicants " + applicants.size() + ") = " + expected);
        }
        TreeSet<Long> seqs = issued.stream().map(Decision::seq).collect(Collectors.toCollection(TreeSet::new));
        // n distinct seqs from 1 to n are exactly 1..n
        if (seqs.size() != issued.size() || (!seqs.isEmpty() && (seqs.first() != 1 || seqs.last() != issued.size()))) {
            findings.add(Check.SEQS_NOT_ONE_TO_N, eventId + " issued " + issued.size() + " coupons with seqs "
                    + seqs.stream().limit(10).toList());
        }
        Map<String, Decision> coupons = new HashMap<>();
        for (Decision d : issued) {
            if (coupons.putIfAbsent(d.userId(), d) != null) {
                findings.add(Check.USER_WITH_TWO_COUPONS, eventId + "/" + d.userId());
            }
        }
        long duplicates = 0;
        long soldOut = 0;
        for (Decision d : ofEvent) {
            if (d.issued()) {
                continue;
            }
            Decision coupon = coupons.get(d.userId());
            if (d.duplicate()) {
                duplicates++;
                boolean carriesIt = coupon != null && "ISSUED".equals(d.firstStatus())
                        && coupon.requestId().equals(d.firstRequestId());
                if (!carriesIt) {
                    findings.add(Check.DUPLICATE_NOT_CARRYING_FIRST, "DUPLICATE " + d.requestId() + " of " + d.userId()
                            + " carries " + d.firstStatus() + " " + d.firstRequestId() + ", the user's coupon " + coupon);
                }
            } else if ("SOLD_OUT".equals(d.reason())) {
                soldOut++;
                if (coupon != null) {
                    findings.add(Check.SOLD_OUT_TO_HOLDER, d.requestId() + " of " + eventId + "/" + d.userId()
                            + " who holds " + coupon.couponId());
                }
            } else {
                findings.add(Check.NON_FINAL_REJECTION, d.requestId() + " of " + eventId + " rejected " + d.reason());
            }
        }
        return "cap " + cap + ", applicants " + applicants.size() + ", issued " + issued.size() + ", sold out "
                + soldOut + ", duplicates " + duplicates;
    }

    private static void judgeCouponIds(List<Decision> ours, Findings findings) {
        Set<String> couponIds = new HashSet<>();
        ours.stream().filter(Decision::issued).filter(d -> !couponIds.add(d.couponId()))
                .forEach(d -> findings.add(Check.COUPON_ID_TWICE, d.couponId()));
    }

    /** Invariant 4: the rows are exactly the issued coupons not on coupon.failed, field by field. */
    private void judgeTable(List<Decision> ours, Findings findings) {
        Map<String, CouponRow> expected = new HashMap<>();
        ours.stream().filter(Decision::issued).filter(d -> !failedCoupons.contains(d.couponId()))
                .forEach(d -> expected.put(d.couponId(), new CouponRow(d.couponId(), d.eventId(), d.userId(), d.seq(),
                        d.requestId())));
        Map<String, CouponRow> inTable = new HashMap<>();
        for (CouponRow row : rows) {
            if (inTable.put(row.couponId(), row) != null) {
                findings.add(Check.ROW_TWICE, row.couponId());
            }
            CouponRow coupon = expected.get(row.couponId());
            if (coupon == null) {
                findings.add(Check.ROW_NOT_ISSUED, row.toString());
            } else if (!coupon.equals(row)) {
                findings.add(Check.ROW_DIFFERS, "row " + row + ", issued " + coupon);
            }
        }
        expected.keySet().stream().filter(id -> !inTable.containsKey(id)).sorted()
                .forEach(id -> findings.add(Check.ROW_MISSING, id));
    }

    /** Invariant 8: answers by request, status shown by (event, user), event counts shown. */
    private void judgeAnswers(List<Decision> ours, Findings findings) {
        Map<String, Decision> byRequest = new HashMap<>();
        ours.forEach(d -> byRequest.putIfAbsent(d.requestId(), d));
        for (Answer answer : answers) {
            Decision d = byRequest.get(answer.requestId());
            boolean same = d != null && d.status().equals(answer.status()) && d.userId().equals(answer.userId())
                    && Objects.equals(d.outcome(), "ISSUED".equals(answer.status()) ? answer.couponId() : answer.reason());
            if (!same) {
                findings.add(Check.ANSWER_DISAGREES, answer + " but the ledger says " + d);
            }
        }
        // The coupons by (event, user) and the count per event, once: a run shows thousands of statuses.
        Map<String, Decision> couponOf = new HashMap<>();
        Map<String, Long> issuedOf = new HashMap<>();
        for (Decision d : ours) {
            if (d.issued()) {
                couponOf.putIfAbsent(EventUserKey.of(d.eventId(), d.userId()), d);
                issuedOf.merge(d.eventId(), 1L, Long::sum);
            }
        }
        for (Shown s : shown) {
            Integer cap = caps.get(s.eventId());
            if (cap == null) {
                continue;
            }
            Decision coupon = couponOf.get(EventUserKey.of(s.eventId(), s.userId()));
            long issued = issuedOf.getOrDefault(s.eventId(), 0L);
            // The user's coupon, or SOLD_OUT for a user without one of an event that sold out.
            boolean agrees = coupon != null
                    ? "ISSUED".equals(s.status()) && coupon.couponId().equals(s.couponId())
                    : "REJECTED".equals(s.status()) && "SOLD_OUT".equals(s.reason()) && issued >= cap;
            if (!agrees) {
                findings.add(Check.STATUS_DISAGREES, s + " but the ledger has " + (coupon == null
                        ? "no coupon for the user, " + issued + " issued of cap " + cap : coupon));
            }
        }
        for (EventShown e : eventsShown) {
            Integer cap = caps.get(e.eventId());
            if (cap == null) {
                continue;
            }
            long issued = ours.stream().filter(d -> d.issued() && d.eventId().equals(e.eventId())).count();
            if (e.issued() != issued || e.remaining() != Math.max(0, cap - issued)) {
                findings.add(Check.EVENT_COUNTS_DISAGREE, e + " but the ledger has " + issued + " issued of cap " + cap);
            }
        }
    }

    private static final class Findings {
        final Map<Check, Long> counts = new EnumMap<>(Check.class);
        final Map<Check, List<String>> examples = new EnumMap<>(Check.class);

        void add(Check check, String example) {
            counts.merge(check, 1L, Long::sum);
            List<String> some = examples.computeIfAbsent(check, c -> new ArrayList<>());
            if (some.size() < EXAMPLES) {
                some.add(example);
            }
        }
    }
}
