package io.couponissuer.tools.judge;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The one judge of the invariants (docs/architecture.md#invariants, by number) for the events of one run: pure, it
 * reads nothing itself. The bench and the tests read the topics and the table and give it plain values;
 * it names every broken invariant with examples. What is not given is not judged: no table, no
 * invariant 4; no answers, no invariant 8.
 *
 * <p>The events given with their caps were defined and open for the whole run, with those caps, so the
 * only rejections they may have are {@code SOLD_OUT} and {@code DUPLICATE} (invariant 6, and
 * docs/architecture.md#rules: not final), and a user who got a coupon cannot have been told {@code SOLD_OUT} (it came before the
 * event sold out; every later application of theirs is a {@code DUPLICATE}).
 *
 * <p>Its words: the ledger's {@link LedgerDecision}s (what the issuer decided, read committed) against
 * the {@link ClientAnswer}s and what the endpoints showed (what clients were told).
 */
public final class InvariantJudge {
    /** An application: one a client was told was accepted, or one found on coupon.apply-requests. */
    public record Application(String requestId, String eventId, String userId) {
    }

    /**
     * A decision read from coupon.issued (couponId and seq set) or coupon.rejected (reason set).
     *
     * @param firstStatus    for a DUPLICATE: the status of the first decision it carries (null if none)
     * @param firstRequestId for a DUPLICATE: the request of the first decision it carries (null if none)
     * @param atEdge         a rejection a gateway decided from committed records (header coupon.decided-by):
     *                       its application was never on coupon.apply-requests
     */
    public record LedgerDecision(String requestId, String eventId, String userId, boolean issued, String couponId,
                                 long seq, String reason, String firstStatus, String firstRequestId, boolean atEdge) {
        public static LedgerDecision issued(String requestId, String eventId, String userId, String couponId, long seq) {
            return new LedgerDecision(requestId, eventId, userId, true, couponId, seq, null, null, null, false);
        }

        public static LedgerDecision rejected(String requestId, String eventId, String userId, String reason,
                                              String firstStatus, String firstRequestId, boolean atEdge) {
            return new LedgerDecision(requestId, eventId, userId, false, null, 0, reason, firstStatus, firstRequestId,
                    atEdge);
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
    public record ClientAnswer(String requestId, String userId, String status, String couponId, String reason) {
    }

    /** A standing decision the status endpoint showed for (event, user). Reason null for ISSUED. */
    public record StatusShown(String eventId, String userId, String status, String couponId, String reason) {
    }

    /** What the event endpoint showed of an event's counts. */
    public record EventShown(String eventId, long issued, long remaining) {
    }

    private final Map<String, Integer> caps;
    private final List<Application> accepted;
    private final boolean everySendAccepted;
    private final List<LedgerDecision> decisions;
    private List<Application> received;
    private List<CouponRow> rows;
    private Set<String> failedCoupons = Set.of();
    private List<ClientAnswer> answers = List.of();
    private List<StatusShown> shown = List.of();
    private List<EventShown> eventsShown = List.of();

    /**
     * @param caps              the run's events (defined and open throughout) with their caps
     * @param accepted          the applications clients were told were accepted (202, or 200 with the decision)
     * @param everySendAccepted no client got another answer (503, error): then no other application exists
     * @param decisions         the decisions on coupon.issued and coupon.rejected, read committed (other
     *                          events' are left out)
     */
    public InvariantJudge(Map<String, Integer> caps, Collection<Application> accepted, boolean everySendAccepted,
                          Collection<LedgerDecision> decisions) {
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
    public InvariantJudge told(Collection<ClientAnswer> answers, Collection<StatusShown> shown,
                               Collection<EventShown> eventsShown) {
        this.answers = List.copyOf(answers);
        this.shown = List.copyOf(shown);
        this.eventsShown = List.copyOf(eventsShown);
        return this;
    }

    public Judgement judge() {
        Findings findings = new Findings();
        List<LedgerDecision> ours = decisions.stream().filter(d -> caps.containsKey(d.eventId())).toList();
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
        new AnswersAgainstLedger(caps, ours).judge(answers, shown, eventsShown, findings);
        return findings.judgement(unmatched, perEvent);
    }

    /**
     * requestId -> application: those on the apply topic and those decided at the edge (which never
     * reach it), or (not read) those accepted plus those decided.
     */
    private Map<String, Application> applications(List<LedgerDecision> ours, Findings findings) {
        Map<String, Application> applications = new LinkedHashMap<>();
        if (received != null) {
            for (Application a : received) {
                if (applications.put(a.requestId(), a) != null) {
                    findings.add(InvariantCheck.APPLICATION_TWICE_ON_APPLY_TOPIC, a.toString());
                }
            }
            // An application also on the apply topic is decided by the issuer too: DECIDED_MORE_THAN_ONCE.
            ours.stream().filter(LedgerDecision::atEdge).forEach(d -> applications.putIfAbsent(d.requestId(),
                    new Application(d.requestId(), d.eventId(), d.userId())));
            for (Application a : accepted) {
                if (!applications.containsKey(a.requestId())) {
                    findings.add(InvariantCheck.ACCEPTED_NOT_ON_APPLY_TOPIC, a.toString());
                }
            }
            return applications;
        }
        accepted.forEach(a -> applications.put(a.requestId(), a));
        for (LedgerDecision d : ours) {
            applications.putIfAbsent(d.requestId(), new Application(d.requestId(), d.eventId(), d.userId()));
        }
        return applications;
    }

    /** Invariant 3; returns the decisions for requests no client was told were accepted. */
    private long judgeDecidedOnce(Map<String, Application> applications, List<LedgerDecision> ours, Findings findings) {
        Set<String> acceptedIds = accepted.stream().map(Application::requestId).collect(Collectors.toSet());
        Map<String, Integer> perRequest = new HashMap<>();
        long unmatched = 0;
        for (LedgerDecision d : ours) {
            if (perRequest.merge(d.requestId(), 1, Integer::sum) > 1) {
                continue;
            }
            Application application = applications.get(d.requestId());
            if (received != null && application == null) {
                findings.add(InvariantCheck.DECISION_WITHOUT_APPLICATION, d.toString());
            } else if (application != null && (!application.eventId().equals(d.eventId())
                    || !application.userId().equals(d.userId()))) {
                findings.add(InvariantCheck.DECISION_NOT_OF_ITS_APPLICATION, d + " for " + application);
            }
            if (!acceptedIds.contains(d.requestId())) {
                unmatched++;
                boolean notedAbove = received != null && application == null;
                if (everySendAccepted && !notedAbove) {
                    findings.add(InvariantCheck.DECISION_WITHOUT_APPLICATION, d + ": no client sent it, every send was accepted");
                }
            }
        }
        perRequest.forEach((id, n) -> {
            if (n > 1) {
                findings.add(InvariantCheck.DECIDED_MORE_THAN_ONCE, "request " + id + " decided " + n + " times");
            }
        });
        applications.values().stream().filter(a -> caps.containsKey(a.eventId()))
                .filter(a -> !perRequest.containsKey(a.requestId()))
                .forEach(a -> findings.add(InvariantCheck.UNDECIDED, a.toString()));
        return unmatched;
    }

    /** Invariants 1, 2 and 6 for one event. */
    private String judgeEvent(String eventId, int cap, Collection<Application> applications, List<LedgerDecision> ofEvent,
                              Findings findings) {
        Set<String> applicants = applications.stream().filter(a -> a.eventId().equals(eventId))
                .map(Application::userId).collect(Collectors.toCollection(TreeSet::new));
        List<LedgerDecision> issued = ofEvent.stream().filter(LedgerDecision::issued).toList();
        if (issued.size() > cap) {
            findings.add(InvariantCheck.OVER_CAP, eventId + " issued " + issued.size() + " > cap " + cap);
        }
        int expected = Math.min(cap, applicants.size());
        if (issued.size() != expected) {
            findings.add(InvariantCheck.NOT_MIN_OF_CAP_AND_APPLICANTS, eventId + " issued " + issued.size() + " but min(cap "
                    + cap + ", applicants " + applicants.size() + ") = " + expected);
        }
        TreeSet<Long> seqs = issued.stream().map(LedgerDecision::seq).collect(Collectors.toCollection(TreeSet::new));
        // n distinct seqs from 1 to n are exactly 1..n
        if (seqs.size() != issued.size() || (!seqs.isEmpty() && (seqs.first() != 1 || seqs.last() != issued.size()))) {
            findings.add(InvariantCheck.SEQS_NOT_ONE_TO_N, eventId + " issued " + issued.size() + " coupons with seqs "
                    + seqs.stream().limit(10).toList());
        }
        Map<String, LedgerDecision> coupons = new HashMap<>();
        for (LedgerDecision d : issued) {
            if (coupons.putIfAbsent(d.userId(), d) != null) {
                findings.add(InvariantCheck.USER_WITH_TWO_COUPONS, eventId + "/" + d.userId());
            }
        }
        long duplicates = 0;
        long soldOut = 0;
        long atEdge = 0;
        for (LedgerDecision d : ofEvent) {
            if (d.issued()) {
                continue;
            }
            if (d.atEdge()) {
                atEdge++;
            }
            LedgerDecision coupon = coupons.get(d.userId());
            if (d.duplicate()) {
                duplicates++;
                boolean carriesIt = coupon != null && "ISSUED".equals(d.firstStatus())
                        && coupon.requestId().equals(d.firstRequestId());
                if (!carriesIt) {
                    findings.add(InvariantCheck.DUPLICATE_NOT_CARRYING_FIRST, "DUPLICATE " + d.requestId() + " of " + d.userId()
                            + " carries " + d.firstStatus() + " " + d.firstRequestId() + ", the user's coupon " + coupon);
                }
            } else if ("SOLD_OUT".equals(d.reason())) {
                soldOut++;
                if (coupon != null) {
                    findings.add(InvariantCheck.SOLD_OUT_TO_HOLDER, d.requestId() + " of " + eventId + "/" + d.userId()
                            + " who holds " + coupon.couponId());
                }
            } else {
                findings.add(InvariantCheck.NON_FINAL_REJECTION, d.requestId() + " of " + eventId + " rejected " + d.reason());
            }
        }
        return "cap " + cap + ", applicants " + applicants.size() + ", issued " + issued.size() + ", sold out "
                + soldOut + ", duplicates " + duplicates + ", rejected at the edge " + atEdge;
    }

    private static void judgeCouponIds(List<LedgerDecision> ours, Findings findings) {
        Set<String> couponIds = new HashSet<>();
        ours.stream().filter(LedgerDecision::issued).filter(d -> !couponIds.add(d.couponId()))
                .forEach(d -> findings.add(InvariantCheck.COUPON_ID_TWICE, d.couponId()));
    }

    /** Invariant 4: the rows are exactly the issued coupons not on coupon.failed, field by field. */
    private void judgeTable(List<LedgerDecision> ours, Findings findings) {
        Map<String, CouponRow> expected = new HashMap<>();
        ours.stream().filter(LedgerDecision::issued).filter(d -> !failedCoupons.contains(d.couponId()))
                .forEach(d -> expected.put(d.couponId(), new CouponRow(d.couponId(), d.eventId(), d.userId(), d.seq(),
                        d.requestId())));
        Map<String, CouponRow> inTable = new HashMap<>();
        for (CouponRow row : rows) {
            if (inTable.put(row.couponId(), row) != null) {
                findings.add(InvariantCheck.ROW_TWICE, row.couponId());
            }
            CouponRow coupon = expected.get(row.couponId());
            if (coupon == null) {
                findings.add(InvariantCheck.ROW_NOT_ISSUED, row.toString());
            } else if (!coupon.equals(row)) {
                findings.add(InvariantCheck.ROW_DIFFERS, "row " + row + ", issued " + coupon);
            }
        }
        expected.keySet().stream().filter(id -> !inTable.containsKey(id)).sorted()
                .forEach(id -> findings.add(InvariantCheck.ROW_MISSING, id));
    }
}
