package io.couponissuer.testing;

import io.couponissuer.json.Json;
import io.couponissuer.kafka.FailedRecords;
import io.couponissuer.kafka.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Invariants 1-4 and 8 of README "Invariants", checked against what a downstream reader sees (the topics,
 * read_committed) and the {@code coupon} table, for the events of one test:
 * <ol>
 *   <li>issued &lt;= cap and issued == min(cap, distinct applicants), per event;</li>
 *   <li>one coupon per (event, user), and every later request of a user carries the first decision;</li>
 *   <li>every 202 is on the apply topic (the broker had it) and every application there is decided exactly once;</li>
 *   <li>every issued coupon is exactly one row, or a writer-stage record on coupon.failed; no other rows.</li>
 * </ol>
 * "Applicants" are the distinct users on the apply topic, not the 202s: a 503 after a send timeout
 * may still have reached the broker, and then it is a real application that must be decided.
 */
public final class CouponInvariants {
    private final CommittedTopics topics;
    private final TestDatabase database;
    private final Map<String, Integer> caps;

    /** The facts found, for the test's printout. */
    public record Report(Map<String, String> perEvent, int applications, int decisions, int rows, int failedCoupons,
                         Duration decidedWithin, Duration storedWithin) {
        @Override
        public String toString() {
            return "applications " + applications + ", decisions " + decisions + ", coupon rows " + rows
                    + ", coupons on coupon.failed " + failedCoupons + "; all decided " + decidedWithin.toMillis()
                    + " ms and all stored " + storedWithin.toMillis() + " ms after the check began; per event " + perEvent;
        }
    }

    private record Application(String requestId, String eventId, String userId) {
    }

    private record Decided(String requestId, String eventId, String userId, String status, String reason,
                           String couponId, long seq, JsonNode firstDecision) {
    }

    public CouponInvariants(String bootstrapServers, TestDatabase database, Map<String, Integer> caps) {
        this.topics = new CommittedTopics(bootstrapServers);
        this.database = database;
        this.caps = Map.copyOf(caps);
    }

    /**
     * Waits (up to {@code timeout}) until every application of the events is decided and every
     * issued coupon is stored, then checks the invariants; throws an AssertionError naming the first
     * broken one.
     */
    public Report check(Burst burst, Duration timeout) throws SQLException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<Application> applications;
        List<Decided> decisions;
        while (true) {
            applications = applications();
            decisions = decisions();
            Set<String> decided = decisions.stream().map(Decided::requestId).collect(Collectors.toSet());
            List<String> undecided = applications.stream().map(Application::requestId)
                    .filter(id -> !decided.contains(id)).toList();
            if (undecided.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("invariant 3: " + undecided.size() + " of " + applications.size()
                        + " applications still undecided after " + timeout + ", e.g. " + undecided.subList(0, Math.min(5, undecided.size())));
            }
            Thread.sleep(250);
        }
        Duration decidedWithin = Duration.ofNanos(System.nanoTime() - start);

        Map<String, String> perEvent = checkCapsAndOneCouponPerUser(applications, decisions);
        checkEveryAcceptedRequestDecidedOnce(burst, applications, decisions);
        checkEveryAnswerAgreesWithTheLedger(burst, decisions);

        List<Decided> issued = decisions.stream().filter(d -> d.status().equals("ISSUED")).toList();
        Set<String> failedCoupons = failedWriterCoupons();
        Map<String, Decided> expectedRows = new HashMap<>();
        issued.stream().filter(c -> !failedCoupons.contains(c.couponId())).forEach(c -> expectedRows.put(c.couponId(), c));
        Map<String, String> rows;
        while (true) {
            rows = rows();
            if (rows.keySet().equals(expectedRows.keySet())) {
                break;
            }
            if (System.nanoTime() > deadline) {
                Set<String> missing = new HashSet<>(expectedRows.keySet());
                missing.removeAll(rows.keySet());
                Set<String> extra = new HashSet<>(rows.keySet());
                extra.removeAll(expectedRows.keySet());
                throw new AssertionError("invariant 4: after " + timeout + " the coupon table has " + rows.size()
                        + " rows for " + expectedRows.size() + " issued coupons not on coupon.failed; missing "
                        + first(missing) + ", not issued " + first(extra));
            }
            Thread.sleep(250);
        }
        Duration storedWithin = Duration.ofNanos(System.nanoTime() - start);
        for (Decided coupon : expectedRows.values()) {
            String row = rows.get(coupon.couponId());
            String expected = coupon.userId() + "/" + coupon.seq() + "/" + coupon.requestId();
            if (!row.equals(expected)) {
                throw new AssertionError("invariant 4: row of " + coupon.couponId() + " is " + row + ", issued " + expected);
            }
        }
        return new Report(perEvent, applications.size(), decisions.size(), rows.size(), failedCoupons.size(),
                decidedWithin, storedWithin);
    }

    /** Invariants 1 and 2. */
    private Map<String, String> checkCapsAndOneCouponPerUser(List<Application> applications, List<Decided> decisions) {
        Map<String, String> perEvent = new TreeMap<>();
        for (Map.Entry<String, Integer> event : new TreeMap<>(caps).entrySet()) {
            String eventId = event.getKey();
            int cap = event.getValue();
            Set<String> applicants = applications.stream().filter(a -> a.eventId().equals(eventId))
                    .map(Application::userId).collect(Collectors.toSet());
            List<Decided> ofEvent = decisions.stream().filter(d -> d.eventId().equals(eventId)).toList();
            List<Decided> issued = ofEvent.stream().filter(d -> d.status().equals("ISSUED")).toList();
            if (issued.size() > cap) {
                throw new AssertionError("invariant 1: " + eventId + " issued " + issued.size() + " > cap " + cap);
            }
            if (issued.size() != Math.min(cap, applicants.size())) {
                throw new AssertionError("invariant 1: " + eventId + " issued " + issued.size() + " but min(cap " + cap
                        + ", applicants " + applicants.size() + ") = " + Math.min(cap, applicants.size()));
            }
            Set<Long> seqs = issued.stream().map(Decided::seq).collect(Collectors.toSet());
            Set<Long> expectedSeqs = new HashSet<>();
            for (long s = 1; s <= issued.size(); s++) {
                expectedSeqs.add(s);
            }
            if (!seqs.equals(expectedSeqs)) {
                throw new AssertionError("invariant 1: " + eventId + " coupon seqs are not exactly 1.." + issued.size());
            }
            // Each applicant has exactly one standing decision (ISSUED or SOLD_OUT); every other request is a
            // DUPLICATE that carries it.
            Map<String, Decided> standing = new HashMap<>();
            for (Decided d : ofEvent) {
                if (d.reason() != null && !d.reason().equals("DUPLICATE") && !d.reason().equals("SOLD_OUT")) {
                    throw new AssertionError("invariant 6: " + d.requestId() + " of a defined, open event rejected "
                            + d.reason());
                }
                if (!"DUPLICATE".equals(d.reason())) {
                    Decided before = standing.put(d.userId(), d);
                    if (before != null) {
                        throw new AssertionError("invariant 2: " + eventId + "/" + d.userId() + " decided twice: "
                                + before + " and " + d);
                    }
                }
            }
            if (!standing.keySet().equals(applicants)) {
                throw new AssertionError("invariant 2: " + eventId + " has standing decisions for " + standing.size()
                        + " users but " + applicants.size() + " applicants");
            }
            int duplicates = 0;
            for (Decided d : ofEvent) {
                if ("DUPLICATE".equals(d.reason())) {
                    duplicates++;
                    Decided first = standing.get(d.userId());
                    JsonNode carried = d.firstDecision();
                    if (carried == null || !first.status().equals(carried.path("status").asText())
                            || !first.requestId().equals(carried.path("requestId").asText())) {
                        throw new AssertionError("invariant 2: DUPLICATE " + d.requestId() + " of " + d.userId()
                                + " carries " + carried + ", but the first decision is " + first);
                    }
                }
            }
            perEvent.put(eventId, "cap " + cap + ", applicants " + applicants.size() + ", issued " + issued.size()
                    + ", duplicates " + duplicates);
        }
        return perEvent;
    }

    /** Invariant 3: every 202 reached the broker, and every application on the topic has exactly one decision. */
    /**
     * Invariant 8 for the status endpoint: every standing decision it showed is one the ledger holds
     * for that user (the same coupon, or the same recorded rejection). Call after {@link #check}.
     */
    public void checkStatusShownAgreesWithTheLedger(List<StatusProbe.Shown> shown) {
        List<Decided> decisions = decisions();
        List<String> disagreements = new ArrayList<>();
        for (StatusProbe.Shown s : shown) {
            if (!caps.containsKey(s.eventId())) {
                continue;
            }
            boolean held = decisions.stream().anyMatch(d -> d.eventId().equals(s.eventId()) && d.userId().equals(s.userId())
                    && d.status().equals(s.status())
                    && java.util.Objects.equals(d.status().equals("ISSUED") ? d.couponId() : d.reason(),
                    s.status().equals("ISSUED") ? s.couponId() : s.reason()));
            if (!held) {
                disagreements.add(s.toString());
            }
        }
        if (!disagreements.isEmpty()) {
            throw new AssertionError("invariant 8: " + disagreements.size() + " of " + shown.size()
                    + " standing decisions shown by the status endpoint are not on the ledger, e.g. " + first(disagreements));
        }
    }

    /** Invariant 8: what a client was told (a ?waitMs 200) is what the ledger says, to the letter. */
    private static void checkEveryAnswerAgreesWithTheLedger(Burst burst, List<Decided> decisions) {
        Map<String, Decided> ledger = new HashMap<>();
        decisions.forEach(d -> ledger.put(d.requestId(), d));
        List<String> disagreements = new ArrayList<>();
        for (Burst.Answered answer : burst.answered().values()) {
            Decided decided = ledger.get(answer.requestId());
            boolean same = decided != null && decided.status().equals(answer.status())
                    && decided.userId().equals(answer.userId())
                    && java.util.Objects.equals(decided.status().equals("ISSUED") ? decided.couponId() : decided.reason(),
                    answer.status().equals("ISSUED") ? answer.couponId() : answer.reason());
            if (!same) {
                disagreements.add(answer + " but the ledger says " + decided);
            }
        }
        if (!disagreements.isEmpty()) {
            throw new AssertionError("invariant 8: " + disagreements.size() + " of " + burst.answered().size()
                    + " answers given disagree with the ledger, e.g. " + first(disagreements));
        }
    }

    private void checkEveryAcceptedRequestDecidedOnce(Burst burst, List<Application> applications,
                                                      List<Decided> decisions) {
        Map<String, Application> onTopic = new HashMap<>();
        for (Application application : applications) {
            if (onTopic.put(application.requestId(), application) != null) {
                throw new AssertionError("request " + application.requestId() + " is twice on " + Topics.APPLY_REQUESTS);
            }
        }
        List<String> lost = burst.accepted().keySet().stream().filter(id -> !onTopic.containsKey(id)).toList();
        if (!lost.isEmpty()) {
            throw new AssertionError("invariant 3: " + lost.size() + " requests answered 202 are not on "
                    + Topics.APPLY_REQUESTS + ", e.g. " + first(lost));
        }
        Map<String, Integer> decisionsPerRequest = new HashMap<>();
        decisions.forEach(d -> decisionsPerRequest.merge(d.requestId(), 1, Integer::sum));
        decisionsPerRequest.forEach((id, count) -> {
            if (count != 1) {
                throw new AssertionError("invariant 3: request " + id + " has " + count + " decisions");
            }
            if (!onTopic.containsKey(id)) {
                throw new AssertionError("invariant 3: decision for request " + id + " that is not on the apply topic");
            }
        });
    }

    private List<Application> applications() {
        List<Application> applications = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : topics.readAll(Topics.APPLY_REQUESTS, Duration.ofSeconds(30))) {
            if (caps.containsKey(record.key())) {
                JsonNode value = json(record.value());
                if (value.hasNonNull("requestId")) { // the other commands on this topic are event definitions
                    applications.add(new Application(value.get("requestId").asText(), value.get("eventId").asText(),
                            value.get("userId").asText()));
                }
            }
        }
        return applications;
    }

    private List<Decided> decisions() {
        List<Decided> decisions = new ArrayList<>();
        for (String topic : List.of(Topics.ISSUED, Topics.REJECTED)) {
            for (ConsumerRecord<String, byte[]> record : topics.readAll(topic, Duration.ofSeconds(30))) {
                if (caps.containsKey(record.key())) {
                    JsonNode v = json(record.value());
                    boolean issued = topic.equals(Topics.ISSUED);
                    decisions.add(new Decided(v.get("requestId").asText(), v.get("eventId").asText(),
                            v.get("userId").asText(), issued ? "ISSUED" : "REJECTED",
                            issued ? null : v.get("reason").asText(), issued ? v.get("couponId").asText() : null,
                            issued ? v.get("seq").asLong() : 0, v.get("firstDecision")));
                }
            }
        }
        return decisions;
    }

    /** Coupons the writer gave up on: on coupon.failed for `replay`, not lost. */
    private Set<String> failedWriterCoupons() {
        Set<String> coupons = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : topics.readAll(Topics.FAILED, Duration.ofSeconds(30))) {
            if (caps.containsKey(record.key())
                    && FailedRecords.STAGE_WRITER.equals(FailedRecords.header(record.headers(), FailedRecords.STAGE))) {
                coupons.add(json(record.value()).path("couponId").asText());
            }
        }
        return coupons;
    }

    /** couponId -> "user/seq/request" of the rows of this test's events. */
    private Map<String, String> rows() throws SQLException {
        Map<String, String> rows = new LinkedHashMap<>();
        String events = caps.keySet().stream().map(e -> "'" + e + "'").collect(Collectors.joining(","));
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            // Before the writer's first start the table may not exist yet: no rows then.
            try (ResultSet exists = statement.executeQuery("SELECT to_regclass('public.coupon') IS NOT NULL")) {
                exists.next();
                if (!exists.getBoolean(1)) {
                    return rows;
                }
            }
            try (ResultSet rs = statement.executeQuery("SELECT coupon_id, user_id, seq, request_id FROM coupon "
                    + "WHERE event_id IN (" + events + ")")) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getString(2) + "/" + rs.getLong(3) + "/" + rs.getString(4));
                }
            }
        }
        return rows;
    }

    /** Rows of this test's events right now (to show a database outage really held the writer back). */
    public int rowCount() throws SQLException {
        return rows().size();
    }

    private static JsonNode json(byte[] value) {
        try {
            return Json.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> first(java.util.Collection<String> values) {
        return values.stream().limit(5).toList();
    }
}
